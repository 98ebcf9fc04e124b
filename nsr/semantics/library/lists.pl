% lists.pl: the list primitives of the GSS program DSL (SCAN, PCFG).
%
% Convention: prim_NAME(In1, ..., InN, Out). Forwards (inputs ground) each is deterministic and
% agrees with nsr/semantics/primitives.py. Backwards (output given, inputs unbound) the
% relational ones (empty, cons, car, cdr, singleton, append, reverse, is_empty) enumerate their
% inputs finitely. When neither side is known yet, a goal waits (when/2) instead of enumerating
% infinitely many lists; an answer that still has waiting goals is not ground and is dropped.

prim_empty([]).

prim_cons(X, Xs, [X|Xs]) :-
    \+ ( ground(Xs), \+ is_list(Xs) ).

prim_car([X|_], X).

prim_cdr([_|Xs], Xs).

prim_singleton(X, [X]).

% Forwards, a result longer than 100000 (MAX_LIST_LENGTH in primitives.py) is a resource error,
% as in Python: a doubling recursion must stop before it eats the memory.
prim_append(Xs, Ys, Zs) :-
    \+ ( ground(Ys), \+ is_list(Ys) ),
    (   is_list(Xs), is_list(Ys)
    ->  length(Xs, A), length(Ys, B),
        (   A + B > 100000
        ->  throw(error(resource_error(nsr_max_list_length), prim_append/3))
        ;   append(Xs, Ys, Zs)
        )
    ;   is_list(Xs) -> append(Xs, Ys, Zs)
    ;   is_list(Zs) -> append(Xs, Ys, Zs)
    ;   ( ground(Xs) ; ground(Zs) ) -> fail
    ;   when(( ground(Xs) ; ground(Zs) ), prim_append(Xs, Ys, Zs))
    ).

prim_reverse(Xs, Ys) :-
    (   is_list(Xs) -> reverse(Xs, Ys)
    ;   is_list(Ys) -> reverse(Ys, Xs)
    ;   ( ground(Xs) ; ground(Ys) ) -> fail
    ;   when(( ground(Xs) ; ground(Ys) ), prim_reverse(Xs, Ys))
    ).

prim_last(Xs, X) :-
    (   is_list(Xs) -> last(Xs, X)
    ;   ground(Xs) -> fail
    ;   when(ground(Xs), prim_last(Xs, X))
    ).

prim_init(Xs, Init) :-
    (   is_list(Xs) -> Xs = [_|_], append(Init, [_], Xs)
    ;   is_list(Init) -> append(Init, [_], Xs)
    ;   ( ground(Xs) ; ground(Init) ) -> fail
    ;   when(( ground(Xs) ; ground(Init) ), prim_init(Xs, Init))
    ).

prim_length(Xs, N) :-
    (   is_list(Xs) -> length(Xs, N)
    ;   ground(Xs) -> fail
    ;   integer(N) -> N >= 0, length(Xs, N)
    ;   nonvar(N) -> fail
    ;   when(( ground(Xs) ; nonvar(N) ), prim_length(Xs, N))
    ).

prim_is_empty(Xs) :- Xs = [].
