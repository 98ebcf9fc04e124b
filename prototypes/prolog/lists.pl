% List and string transformations. The generator adds pipeline/2, a chain of these steps.
% Every step is deterministic, so a pipeline has exactly one result; a longer pipeline is a
% longer derivation. Strings are handled as lists of one-letter atoms (atom_chars/2).

reverse_list(L, R) :- reverse(L, R).

rotate_left(_, [], []) :- !.
rotate_left(K, L, R) :- length(L, N), S is K mod N, length(F, S), append(F, B, L), append(B, F, R).

take_first(K, L, R) :- length(L, N), M is min(K, N), length(R, M), append(R, _, L).
drop_first(K, L, R) :- length(L, N), M is min(K, N), length(F, M), append(F, R, L).

sort_asc(L, R) :- msort(L, R).
sort_unique(L, R) :- sort(L, R).

swap_pairs([], []).
swap_pairs([X], [X]).
swap_pairs([X, Y|T], [Y, X|R]) :- swap_pairs(T, R).

dedup_adjacent([], []).
dedup_adjacent([X], [X]) :- !.
dedup_adjacent([X, X|T], R) :- !, dedup_adjacent([X|T], R).
dedup_adjacent([X|T], [X|R]) :- dedup_adjacent(T, R).

duplicate_each([], []).
duplicate_each([X|T], [X, X|R]) :- duplicate_each(T, R).

% Numbers.
add(K, X, Y) :- Y is X + K.
add_each(K, L, R) :- maplist(add(K), L, R).
times(K, X, Y) :- Y is X * K.
multiply_each(K, L, R) :- maplist(times(K), L, R).
keep_even(L, R) :- include([X]>>(0 =:= X mod 2), L, R).
keep_odd(L, R) :- include([X]>>(1 =:= X mod 2), L, R).
prefix_sums(L, R) :- prefix_sums(L, 0, R).
prefix_sums([], _, []).
prefix_sums([X|T], Acc, [S|R]) :- S is Acc + X, prefix_sums(T, S, R).

% Letters.
shift_letter(K, C, D) :-
    char_code(C, X),
    (   X >= 0'a, X =< 0'z
    ->  Y is 0'a + (X - 0'a + K) mod 26, char_code(D, Y)
    ;   D = C
    ).
caesar(K, L, R) :- maplist(shift_letter(K), L, R).
vowel(C) :- memberchk(C, [a, e, i, o, u]).
drop_vowels(L, R) :- exclude(vowel, L, R).
