% Knights and knaves: a knight always tells the truth, a knave always lies.
% The generator adds people/1 (the islanders) and says/2 facts (who says which statement).
% Statements: knight(P), knave(P), same(P, Q) ("P and Q are of the same kind"),
% and(S1, S2), or(S1, S2), not(S).
:- discontiguous says/2.

truth(knight(P), A) :- memberchk(P-knight, A).
truth(knave(P), A) :- memberchk(P-knave, A).
truth(same(P, Q), A) :- memberchk(P-K, A), memberchk(Q-K, A).
truth(and(X, Y), A) :- truth(X, A), truth(Y, A).
truth(or(X, Y), A) :- ( truth(X, A) -> true ; truth(Y, A) ).
truth(not(X), A) :- \+ truth(X, A).

% A knight's statements are true, a knave's are false.
consistent(A) :-
    forall(says(P, S), ( memberchk(P-knight, A) -> truth(S, A) ; \+ truth(S, A) )).

assign([], []).
assign([P|Ps], [P-K|A]) :- member(K, [knight, knave]), assign(Ps, A).

% solve(-Assignment): a list Person-Kind, in the order of people/1, that fits every statement.
solve(A) :- people(Ps), assign(Ps, A), consistent(A).
