% Kinship rules. The generator adds parent/2, male/1 and female/1 facts after these rules.
% Every relation is derived from parent/2 and the sex facts; ancestor/2 is the recursive one,
% so deeper family trees need longer derivations.
:- discontiguous parent/2, male/1, female/1.

father(F, C) :- parent(F, C), male(F).
mother(M, C) :- parent(M, C), female(M).
child(C, P) :- parent(P, C).
grandparent(G, C) :- parent(G, P), parent(P, C).
sibling(A, B) :- parent(P, A), parent(P, B), A \== B.
ancestor(A, D) :- parent(A, D).
ancestor(A, D) :- parent(A, X), ancestor(X, D).
descendant(D, A) :- ancestor(A, D).
cousin(A, B) :- parent(PA, A), parent(PB, B), sibling(PA, PB).
uncle(U, C) :- parent(P, C), sibling(U, P), male(U).
aunt(A, C) :- parent(P, C), sibling(A, P), female(A).
