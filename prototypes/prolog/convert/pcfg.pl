% PCFG SET's string functions (Hupkes et al., 2020) and a DCG for their prefix notation.
% pcfg(+Tokens, -Output): unary functions take the expression that follows, binary ones two
% expressions separated by ','; a plain argument is a run of letter tokens such as 'V12'.
pcfg(Tokens, Output) :- phrase(expression(Output), Tokens).

expression(Out) --> [F], { unary(F) }, !, expression(X), { apply1(F, X, Out) }.
expression(Out) --> [F], { binary(F) }, !, expression(X), [','], expression(Y),
    { apply2(F, X, Y, Out) }.
expression([L|Ls]) --> letter(L), letters(Ls).

letters([L|Ls]) --> letter(L), !, letters(Ls).
letters([]) --> [].

letter(L) --> [L], { L \== ',', \+ unary(L), \+ binary(L) }.

unary(F) :- memberchk(F, [copy, reverse, shift, echo, swap_first_last, repeat]).
binary(F) :- memberchk(F, [append, prepend, remove_first, remove_second]).

apply1(copy, X, X).
apply1(reverse, X, Y) :- reverse(X, Y).
apply1(shift, [H|T], Y) :- append(T, [H], Y).
apply1(echo, X, Y) :- last(X, L), append(X, [L], Y).
apply1(swap_first_last, X, Y) :-
    (   X = [_]
    ->  Y = X
    ;   X = [F|Rest], append(Middle, [L], Rest), append([L|Middle], [F], Y)
    ).
apply1(repeat, X, Y) :- append(X, X, Y).

apply2(append, X, Y, Z) :- append(X, Y, Z).
apply2(prepend, X, Y, Z) :- append(Y, X, Z).
apply2(remove_first, _, Y, Y).
apply2(remove_second, X, _, X).
