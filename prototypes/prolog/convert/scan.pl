% SCAN's interpretation function (Lake & Baroni, 2018) as a DCG over the command's words.
% scan(+Words, -Actions): Words is a list of atoms, Actions a list of action atoms.
%   C -> S and S | S after S | S        S -> V twice | V thrice | V
%   V -> D opposite D' | D around D' | D | U      D -> U left | U right | turn left | turn right
scan(Words, Actions) :- phrase(command(Actions), Words).

command(As) --> sentence(A1), [and], sentence(A2), { append(A1, A2, As) }.
command(As) --> sentence(A1), [after], sentence(A2), { append(A2, A1, As) }.
command(As) --> sentence(As).

sentence(As) --> verb(A), [twice], { append(A, A, As) }.
sentence(As) --> verb(A), [thrice], { append([A, A, A], As) }.
sentence(As) --> verb(As).

verb(As) --> [turn], modified(T, Mod), { turns(Mod, T, [], As) }.
verb(As) --> primitive(X), modified(T, Mod), { turns(Mod, T, [X], As) }.
verb([X]) --> primitive(X).

modified(T, plain) --> direction(T).
modified(T, opposite) --> [opposite], direction(T).
modified(T, around) --> [around], direction(T).

turns(plain, T, Act, [T|Act]).
turns(opposite, T, Act, [T, T|Act]).
turns(around, T, Act, As) :- Once = [T|Act], append([Once, Once, Once, Once], As).

primitive('I_WALK') --> [walk].
primitive('I_LOOK') --> [look].
primitive('I_RUN') --> [run].
primitive('I_JUMP') --> [jump].

direction('I_TURN_LEFT') --> [left].
direction('I_TURN_RIGHT') --> [right].
