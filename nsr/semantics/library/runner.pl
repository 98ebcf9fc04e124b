% runner.pl: batch and bounded execution of compiled symbol programs (used by
% nsr.semantics.runtime; not needed to run programs by hand in swipl).
%
% Every call runs under call_with_inference_limit/3, so a non-terminating program yields
% `limit` instead of hanging, and never throws: results are value(V), none, limit or error(Text).

nsr_result(Goal, Out, Limit, Result) :-
    (   catch(call_with_inference_limit(Goal, Limit, R), E, true)
    ->  (   var(E)
        ->  ( R == inference_limit_exceeded -> Result = limit ; Result = value(Out) )
        ;   nsr_passthrough(E) -> throw(E)
        ;   E = error(resource_error(_), _) -> Result = limit
        ;   format(atom(Text), "~q", [E]), Result = error(Text)
        )
    ;   Result = none
    ).

% The caller's wall-clock limit and aborts must reach the caller, not become one failed run.
nsr_passthrough(time_limit_exceeded).
nsr_passthrough(time_limit_exceeded(_)).
nsr_passthrough('$aborted').

% nsr_run_all(+Symbol, +ArgsLists, +Limit, -Results)
nsr_run_all(Symbol, ArgsLists, Limit, Results) :-
    maplist(nsr_run_one(Symbol, Limit), ArgsLists, Results).

nsr_run_one(Symbol, Limit, Args, Result) :-
    nsr_result(sym(Symbol, Args, Out), Out, Limit, Result).

% nsr_calls_all(+Calls, +Limit, -Results): Calls are call(Symbol, Args).
nsr_calls_all(Calls, Limit, Results) :-
    maplist(nsr_call_one(Limit), Calls, Results).

nsr_call_one(Limit, call(Symbol, Args), Result) :-
    nsr_result(sym(Symbol, Args, Out), Out, Limit, Result).

% nsr_tree_all(+Trees, +Limit, -Results): each tree is its list of postorder steps (see
% eval_postfix/2), flat so that trees of any depth cross from Python; Limit bounds each program
% application (as the Python evaluator's step budget does), not the whole tree, so a long
% input is not mistaken for a non-terminating one. Tail-recursive: deep trees need no stack.
nsr_tree_all(Trees, Limit, Results) :-
    maplist(nsr_tree_one(Limit), Trees, Results).

nsr_tree_one(Limit, Steps, Result) :-
    nsr_steps(Steps, [], Limit, Result).

nsr_steps([], Stack, _, Result) :-
    (   Stack = [Value] -> Result = value(Value) ; Result = error('malformed postfix tree') ).
nsr_steps([Step|Steps], Stack0, Limit, Result) :-
    nsr_result(eval_step(Step, Stack0, Stack), Stack, Limit, R),
    (   R = value(Stack1)
    ->  nsr_steps(Steps, Stack1, Limit, Result)
    ;   Result = R
    ).

% nsr_backwards(+Symbol, ?Args, +Out, +MaxRaw, +Limit, -Solutions, -Complete)
% Distinct ground Args with sym(Symbol, Args, Out), each re-checked forwards. Complete is true
% when the enumeration finished within MaxRaw raw answers and Limit inferences per answer.
nsr_backwards(Symbol, Args, Out, MaxRaw, Limit, Solutions, Complete) :-
    findall(R-Args,
            limit(MaxRaw, catch(call_with_inference_limit(sym(Symbol, Args, Out), Limit, R),
                                E, ( nsr_passthrough(E) -> throw(E) ; R = error ))),
            Raw),
    length(Raw, N),
    (   N < MaxRaw, \+ ( member(R0-_, Raw), ( R0 == inference_limit_exceeded ; R0 == error ) )
    ->  Complete = true
    ;   Complete = false
    ),
    findall(A, ( member(R1-A, Raw), R1 \== inference_limit_exceeded, R1 \== error,
                 ground(A), nsr_check(Symbol, A, Out, Limit) ), Found),
    list_to_set(Found, Solutions).

nsr_check(Symbol, Args, Out, Limit) :-
    nsr_result(sym(Symbol, Args, V), V, Limit, value(V)),
    V == Out.
