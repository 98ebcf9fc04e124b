% numbers.pl: the number primitives of the GSS program DSL (HINT).
%
% Convention: prim_NAME(In1, ..., InN, Out). No + - * /: those are learned as programs by
% recursion from zero, inc, dec and is_zero. Forwards each agrees with
% nsr/semantics/primitives.py (dec is max(0, N-1)). Backwards, inc and dec find their input
% among the natural numbers only (HINT's domain: inc(X) = 0 has no answer, dec(X) = 0 gives
% X = 0 or X = 1); when neither side is known the goal waits (when/2).

prim_zero(0).

prim_inc(X, Y) :-
    (   integer(X) -> Y is X + 1
    ;   nonvar(X) -> fail
    ;   integer(Y) -> Y > 0, X is Y - 1
    ;   nonvar(Y) -> fail
    ;   when(( nonvar(X) ; nonvar(Y) ), prim_inc(X, Y))
    ).

prim_dec(X, Y) :-
    (   integer(X) -> ( X > 0 -> Y is X - 1 ; Y = 0 )
    ;   nonvar(X) -> fail
    ;   integer(Y) -> ( Y =:= 0 -> ( X = 0 ; X = 1 ) ; Y > 0, X is Y + 1 )
    ;   nonvar(Y) -> fail
    ;   when(( nonvar(X) ; nonvar(Y) ), prim_dec(X, Y))
    ).

prim_is_zero(X) :- X = 0.

prim_lt(X, Y) :-
    (   integer(X), integer(Y) -> X < Y
    ;   ground(X-Y) -> type_error(integer, X-Y)
    ;   when(ground(X-Y), prim_lt(X, Y))
    ).
