% Directed graphs. The generator adds edge/2 facts after these rules.
% Breadth-first search keeps every query polynomial in the graph size; the number of BFS
% layers (the distance) is what grows with difficulty.
:- discontiguous edge/2.

% reachable_set(+Start, -Nodes): every node reachable from Start by one or more edges, sorted.
reachable_set(S, Nodes) :-
    findall(Y, edge(S, Y), Ys0),
    sort(Ys0, Ys),
    bfs(Ys, Ys, Seen),
    sort(Seen, Nodes).

bfs([], Seen, Seen).
bfs([X|Queue], Seen, Out) :-
    findall(Y, (edge(X, Y), \+ memberchk(Y, Seen)), Ys0),
    sort(Ys0, Ys),
    append(Seen, Ys, Seen1),
    append(Queue, Ys, Queue1),
    bfs(Queue1, Seen1, Out).

% distance(+S, +T, -D): the number of edges on a shortest path from S to T.
distance(S, T, D) :- layers([S], [S], 0, T, D).

layers(Front, _, D, T, D) :- memberchk(T, Front), !.
layers(Front, Seen, D0, T, D) :-
    findall(Y, (member(X, Front), edge(X, Y), \+ memberchk(Y, Seen)), Ys0),
    sort(Ys0, Ys),
    Ys \== [],
    append(Seen, Ys, Seen1),
    D1 is D0 + 1,
    layers(Ys, Seen1, D1, T, D).

% shortest_paths(+S, +T, -Paths): every shortest path, each a list of nodes, sorted.
shortest_paths(S, T, Paths) :-
    distance(S, T, D),
    findall(P, walk(S, T, D, P), Ps),
    sort(Ps, Paths).

walk(T, T, 0, [T]).
walk(S, T, N, [S|P]) :- N > 0, edge(S, X), N1 is N - 1, walk(X, T, N1, P).
