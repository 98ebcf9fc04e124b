% Zebra-style puzzles in CLP(FD). Houses are numbered 1..N from left to right.
% An attribute (colour, pet, ...) is a list Value-House whose houses are all different.
% The generator adds solve/1: it posts the attributes and the clues, then calls houses/3.
:- use_module(library(clpfd)).

attribute(N, Pairs) :- pairs_values(Pairs, Hs), Hs ins 1..N, all_different(Hs).

same_house(X, Y) :- X #= Y.
other_house(X, Y) :- X #\= Y.
next_to(X, Y) :- abs(X - Y) #= 1.
right_of(X, Y) :- X #= Y + 1.          % X is immediately to the right of Y
somewhere_left(X, Y) :- X #< Y.        % X is somewhere to the left of Y
in_house(X, H) :- X #= H.

% houses(+N, +Attributes, -Houses): label, then list house(H, [Value per attribute]).
houses(N, Attributes, Houses) :-
    maplist(pairs_values, Attributes, Vss),
    append(Vss, Vs),
    label(Vs),
    numlist(1, N, Ns),
    maplist(house(Attributes), Ns, Houses).

house(Attributes, H, house(H, Values)) :- maplist(value_in(H), Attributes, Values).
value_in(H, Pairs, V) :- member(V-X, Pairs), X == H, !.
