% Project scheduling (critical path). The generator adds task(Name, Duration) and
% after(Task, Prerequisite) facts: a task starts as soon as all its prerequisites have finished.
% finish/2 is tabled so that shared prerequisites are computed once.
:- discontiguous task/2, after/2.
:- dynamic after/2.
:- table finish/2.

start(T, S) :- findall(F, (after(T, P), finish(P, F)), Fs), max_list([0|Fs], S).
finish(T, F) :- task(T, D), start(T, S), F is S + D.
makespan(M) :- findall(F, (task(T, _), finish(T, F)), Fs), max_list(Fs, M).

% Tasks whose delay by one time unit would delay the whole project, sorted.
critical(T) :- makespan(M), task(T, _), finish(T, F), tail(T, Rest), F + Rest =:= M.
tail(T, Rest) :- findall(R, (after(N, T), task(N, D), tail(N, R0), R is D + R0), Rs),
                 max_list([0|Rs], Rest).
critical_tasks(Ts) :- findall(T, critical(T), Ts0), sort(Ts0, Ts).
