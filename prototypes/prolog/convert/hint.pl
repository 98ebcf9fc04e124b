% HINT arithmetic: single digits, + - * / with * and / binding tighter, all left-associative;
% a - b = max(0, a - b) and a / b = ceil(a / b). hint(+Tokens, -Value): Tokens is a list of
% digits (integers) and the atoms '+', '-', '*', '/', '(', ')'.
hint(Tokens, Value) :- phrase(expr(Value), Tokens).

expr(V) --> term(V0), expr_rest(V0, V).
expr_rest(Acc, V) --> [Op], { memberchk(Op, ['+', '-']) }, !, term(T),
    { apply(Op, Acc, T, Acc1) }, expr_rest(Acc1, V).
expr_rest(V, V) --> [].

term(V) --> factor(V0), term_rest(V0, V).
term_rest(Acc, V) --> [Op], { memberchk(Op, ['*', '/']) }, !, factor(F),
    { apply(Op, Acc, F, Acc1) }, term_rest(Acc1, V).
term_rest(V, V) --> [].

factor(V) --> ['('], !, expr(V), [')'].
factor(V) --> [V], { integer(V), V >= 0, V =< 9 }.

apply('+', A, B, C) :- C is A + B.
apply('-', A, B, C) :- C is max(0, A - B).
apply('*', A, B, C) :- C is A * B.
apply('/', A, B, C) :- B > 0, C is (A + B - 1) // B.
