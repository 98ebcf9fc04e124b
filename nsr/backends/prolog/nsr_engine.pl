/*  Prolog half of nsr's in-process SWI-Prolog engine (loaded once by engine.py).

    Why this file exists: pyswip's own query path loses information (atoms and strings both
    become Python str, compounds become flat text) and leaves error handling to callers. Here
    every request is one deterministic call that never throws: it reads the goal, runs it under
    the requested limits, and answers with one JSON text that Python decodes with json.loads
    (fast, exact, and no term walking through ctypes).

    Each value is a flat JSON array [0, Token, ...] in postfix order (see write_pair/2):
        integer, finite float -> number        atom -> "text"
        ["s",Text] string   ["v",Name] unbound variable   ["f","inf"|"-inf"|"nan"] float
        ["r","1r3"] rational   ["b",Text] other blob (stream, clause reference)
        ["l",N] list of the previous N values   ["c",Name,N] compound of the previous N values
        ["d",N] dict: the previous 2N+1 values are its tag, then key, value pairs
*/
:- module(nsr_engine, [nsr_run/4, nsr_load/5, nsr_wipe/1]).

:- set_prolog_flag(debug_on_error, false).
:- use_module(library(time)).
:- use_module(library(lists)).
:- use_module(library(solution_sequences)).

:- dynamic loaded_id/2.         % loaded_id(Module, SourceId): what consult put into Module
:- dynamic captured/5.          % captured(Kind, Message, File, Line, Column) during one load

%!  nsr_run(+Module, +GoalText, +OptsText, -Json) is det.
%
%   OptsText is o(MaxSolutions, TimeLimit, InferenceLimit, StackLimit), each `none` or a number.
%   Json is {"ok":[Solution, ...]} or {"error":{...}}.
nsr_run(M, GoalText, OptsText, Json) :-
    term_string(o(Max, Time, Inf, Stack), OptsText),
    catch(guarded(run_goal(M, GoalText, Max, Time, Inf, Stack, Sols)), E, true),
    (   var(E)
    ->  with_output_to(string(Json), write_ok(Sols))
    ;   error_json(E, Json)
    ).

%   halt/0 inside a goal or directive would end the Python process (or hang its exit); the
%   at_halt hook cancels it while nsr is running a request, and the goal gets an error instead.
:- at_halt(nsr_engine:halt_guard).

halt_guard :-
    nb_current(nsr_busy, true),
    !,
    nb_setval(nsr_halt_called, true),
    cancel_halt('halt/0 called inside an nsr request').
halt_guard.

guarded(Goal) :-
    nb_setval(nsr_halt_called, false),
    setup_call_cleanup(nb_setval(nsr_busy, true), Goal, nb_setval(nsr_busy, false)),
    (   nb_current(nsr_halt_called, true) -> throw(error(nsr_halt, _)) ; true ).

run_goal(M, Text, Max, Time, Inf, Stack, Sols) :-
    read_goal(M, Text, Goal, Bindings),
    public_bindings(Bindings, Public),
    Collect = findall(Enc, solution(Max, M:Goal, Public, Enc), Sols),
    with_stack_limit(Stack, with_inference_limit(Inf, with_time_limit(Time, Collect))).

%   Goal text may or may not end with a full stop: try the likely form first, then the other,
%   and report errors against the text as given.
read_goal(M, Text, Goal, Bindings) :-
    string_concat(Text, "\n.", Closed),
    split_string(Text, "", " \t\r\n", [Trimmed]),
    (   string_concat(_, ".", Trimmed) -> Tries = [Text, Closed] ; Tries = [Closed, Text] ),
    (   member(Try, Tries),
        catch(read_one(M, Try, Goal, Bindings), _, fail)
    ->  true
    ;   read_one(M, Text, Goal, Bindings)   % fails again, now throwing the error to report
    ).

read_one(M, Text, Goal, Bindings) :-
    setup_call_cleanup(
        open_string(Text, S),
        ( read_term(S, Goal, [variable_names(Bindings), module(M), syntax_errors(error)]),
          read_term(S, Rest, [syntax_errors(error)])
        ),
        close(S)),
    (   Goal == end_of_file
    ->  throw(error(nsr_goal(empty), _))
    ;   Rest == end_of_file
    ->  true
    ;   throw(error(nsr_goal(several), _))
    ),
    (   var(Goal) -> throw(error(instantiation_error, _)) ; true ).

% Variables named with a leading underscore are "don't care" (as at the SWI toplevel).
public_bindings([], []).
public_bindings([Name=V|T0], T) :-
    (   sub_atom(Name, 0, 1, _, '_') -> T = T1 ; T = [Name=V|T1] ),
    public_bindings(T0, T1).

solution(none, Goal, Public, Enc) :- !,
    call(Goal),
    encode_solution(Public, Enc).
solution(Max, Goal, Public, Enc) :-
    limit(Max, Goal),
    encode_solution(Public, Enc).

with_time_limit(none, G) :- !, call(G).
with_time_limit(T, G) :- call_with_time_limit(T, G).

with_inference_limit(none, G) :- !, call(G).
with_inference_limit(N, G) :-
    call_with_inference_limit(G, N, Result),
    (   Result == inference_limit_exceeded
    ->  throw(nsr_inference_limit(N))
    ;   true
    ).

% The stack_limit flag is per thread; restore it whatever happens.
with_stack_limit(none, G) :- !, call(G).
with_stack_limit(Limit, G) :-
    current_prolog_flag(stack_limit, Old),
    setup_call_cleanup(
        set_prolog_flag(stack_limit, Limit),
        G,
        set_prolog_flag(stack_limit, Old)).

%   Encode one solution as a JSON object. Attributes (constraints) are dropped by copy_term/3;
%   unbound variables get the name of the first query variable bound to them, others _G1, ...
encode_solution(Public, Json) :-
    (   term_attvars(Public, []) -> Copy = Public ; copy_term(Public, Copy, _Constraints) ),
    (   acyclic_term(Copy) -> true ; throw(error(nsr_cyclic, _)) ),
    name_query_vars(Copy),
    term_variables(Copy, Anon),
    name_anon_vars(Anon, 1),
    with_output_to(string(Json), write_bindings(Copy)).

name_query_vars([]).
name_query_vars([Name=V|T]) :-
    (   var(V) -> V = '$nsr_var'(Name) ; true ),
    name_query_vars(T).

name_anon_vars([], _).
name_anon_vars([V|Vs], I) :-
    format(atom(Name), '_G~d', [I]),
    V = '$nsr_var'(Name),
    I1 is I + 1,
    name_anon_vars(Vs, I1).

write_ok(Sols) :-
    write('{"ok":['),
    write_raw_list(Sols),
    write(']}').

write_raw_list([]).
write_raw_list([X|Xs]) :-
    write(X),
    forall(member(Y, Xs), (put_char(','), write(Y))).

write_bindings(Bindings) :-
    put_char('{'),
    write_pairs(Bindings),
    put_char('}').

write_pairs([]).
write_pairs([N=V|T]) :-
    write_pair(N, V),
    forall(member(N2=V2, T), (put_char(','), write_pair(N2, V2))).

%   A value is a flat JSON array [0, Token, ...]: its tokens in postfix order (arguments before
%   their compound), so Python rebuilds terms of any depth with a stack instead of recursion.
%   The leading 0 lets every token be written as ",Token".
write_pair(Name, Value) :-
    json_text(Name),
    write(':[0'),
    tokens(Value),
    put_char(']').

tokens(X) :- var(X), !, write(',["v","_"]').
tokens('$nsr_var'(N)) :- !, write(',["v",'), json_text(N), put_char(']').
tokens(X) :- integer(X), !, put_char(','), write(X).
tokens(X) :- float(X), !, put_char(','), json_float(X).
tokens(X) :- X == [], !, write(',["l",0]').
tokens(X) :- atom(X), !, put_char(','), json_text(X).
tokens(X) :- string(X), !, write(',["s",'), json_text(X), put_char(']').
tokens(X) :- rational(X), !, format(',["r","~w"]', [X]).
tokens(X) :- is_list(X), !,
    forall(member(E, X), tokens(E)),
    length(X, N),
    format(',["l",~d]', [N]).
tokens(X) :- is_dict(X), !,
    dict_pairs(X, Tag, Pairs),
    tokens(Tag),
    forall(member(K-V, Pairs), (tokens(K), tokens(V))),
    length(Pairs, N),
    format(',["d",~d]', [N]).
tokens(X) :- compound(X), !,
    compound_name_arguments(X, Name, Args),
    forall(member(A, Args), tokens(A)),
    length(Args, N),
    write(',["c",'), json_text(Name), format(',~d]', [N]).
tokens(X) :-
    format(string(S), '~p', [X]),
    write(',["b",'), json_text(S), put_char(']').

json_float(X) :-
    float_class(X, Class),
    (   Class == nan -> write('["f","nan"]')
    ;   Class == infinite -> ( X > 0 -> write('["f","inf"]') ; write('["f","-inf"]') )
    ;   write(X)
    ).

%   Scalars in error answers: numbers as numbers, anything else as text.
json_simple(X) :- number(X), !, write(X).
json_simple(X) :- ( atom(X) ; string(X) ), !, json_text(X).
json_simple(X) :- format(string(S), '~q', [X]), json_text(S).

json_text(T) :-
    atom_codes(T, Codes),
    put_char('"'),
    json_codes(Codes),
    put_char('"').

json_codes([]).
json_codes([C|Cs]) :- json_code(C), json_codes(Cs).

json_code(0'") :- !, write('\\"').
json_code(0'\\) :- !, write('\\\\').
json_code(C) :- C < 0x20, !, format('\\u~|~`0t~16r~4+', [C]).
json_code(C) :- put_code(C).

%   Errors: {"error":{"kind":K,"message":M,"term":T,...}} where kind is one of
%   syntax, existence, time_limit, inference_limit, resource, error.
error_json(E, Json) :-
    catch(error_fields(E, Kind, Extra), _, (Kind = error, Extra = [])),
    message_line(E, Msg),
    term_excerpt(E, TermText),
    with_output_to(string(Json),
        ( write('{"error":{"kind":'), json_text(Kind),
          write(',"message":'), json_text(Msg),
          write(',"term":'), json_text(TermText),
          forall(member(K=V, Extra), (put_char(','), json_text(K), put_char(':'), json_simple(V))),
          write('}}')
        )).

error_fields(time_limit_exceeded, time_limit, []) :- !.
error_fields(time_limit_exceeded(_), time_limit, []) :- !.
error_fields(nsr_inference_limit(N), inference_limit, [limit=N]) :- !.
error_fields(error(resource_error(R), _), resource, [resource=R]) :- !.
error_fields(error(syntax_error(What), Ctx), syntax, Fields) :- !,
    syntax_what(What, WhatText),
    (   Ctx = stream(_, Line, LinePos, _)
    ->  Col is LinePos + 1, Fields = [what=WhatText, line=Line, column=Col]
    ;   Ctx = string(_, CharNo)
    ->  Fields = [what=WhatText, char=CharNo]
    ;   Fields = [what=WhatText]
    ).
error_fields(error(existence_error(procedure, PI), _), existence, [predicate=Text]) :- !,
    pi_text(PI, Text).
error_fields(_, error, []).

pi_text(_:PI, Text) :- !, pi_text(PI, Text).
pi_text(PI, Text) :- format(string(Text), '~q', [PI]).

syntax_what(What, Text) :-
    (   catch('$messages':translate_message(error(syntax_error(What), _), Lines, []), _, fail),
        with_output_to(string(S0), print_message_lines(current_output, '', Lines)),
        one_line(S0, S1),
        S1 \== ""
    ->  (   sub_string(S1, 0, _, After, "Syntax error: ")
        ->  sub_string(S1, 14, After, 0, S2)
        ;   S2 = S1
        ),
        lower_first(S2, Text)
    ;   format(string(Text), '~w', [What])
    ).

lower_first(S, L) :-
    (   sub_string(S, 0, 1, _, F)
    ->  string_lower(F, LF), sub_string(S, 1, _, 0, Rest), string_concat(LF, Rest, L)
    ;   L = S
    ).

%   A readable one-line message for any exception term.
message_line(nsr_inference_limit(N), Msg) :- !,
    format(string(Msg), 'inference limit of ~D exceeded', [N]).
message_line(time_limit_exceeded, "time limit exceeded") :- !.
message_line(error(resource_error(R), Ctx), Msg) :- !,
    (   R == stack, is_dict(Ctx), get_dict(stack_limit, Ctx, KB)
    ->  format(string(Msg), 'stack limit (~D KB) exceeded', [KB])
    ;   R == stack
    ->  Msg = "stack limit exceeded"
    ;   format(string(Msg), 'resource error: ~w', [R])
    ).
message_line(error(nsr_goal(empty), _), "the goal is empty") :- !.
message_line(error(nsr_goal(several), _),
             "the goal text holds more than one clause (join goals with ',')") :- !.
message_line(error(nsr_cyclic, _), "a binding is a cyclic term") :- !.
message_line(error(nsr_halt, _),
             "halt was called; it cannot end the process from inside nsr") :- !.
message_line(E, Msg) :-
    catch(( '$messages':translate_message(E, Lines, []),
            with_output_to(string(S), print_message_lines(current_output, '', Lines))
          ), _, fail),
    one_line(S, Msg),
    Msg \== "",
    \+ sub_string(Msg, 0, _, _, "Unknown message"),
    \+ sub_string(Msg, 0, _, _, "Unknown exception"),
    !.
message_line(E, Msg) :-
    format(string(Msg), 'uncaught exception: ~q', [E]).

one_line(S, Line) :-
    split_string(S, "\n", " \t", Parts0),
    exclude(==(""), Parts0, Parts),
    atomic_list_concat(Parts, ' ', A),
    atom_string(A, Line).

term_excerpt(E, Text) :-
    (   E = error(Formal, _) -> T = Formal ; T = E ),
    format(string(S), '~q', [T]),
    (   string_length(S, L), L > 300
    ->  sub_string(S, 0, 300, _, S1), string_concat(S1, "...", Text)
    ;   Text = S
    ).

%!  nsr_wipe(+Module) is det.
%
%   Remove every predicate Module defines (keeping imports and multifile hooks) and unload the
%   sources nsr loaded into it, so a later load starts from an empty module. Tables go first:
%   abolishing a tabled predicate whose tables still exist leaves stale answers behind (and
%   has crashed SWI-Prolog 9.0.4).
nsr_wipe(M) :-
    catch(abolish_module_tables(M), _, true),
    forall(retract(loaded_id(M, Id)), catch(unload_file(Id), _, true)),
    forall(( current_predicate(M:N/A),
             functor(H, N, A),
             \+ predicate_property(M:H, imported_from(_)),
             \+ predicate_property(M:H, multifile)
           ),
           catch(abolish(M:N/A), _, true)).

%!  nsr_load(+Module, +SourceId, +Text, +TimeLimit, -Json) is det.
%
%   Load Text into Module, replacing what the module held; SourceId names the text in
%   messages and anchors relative paths. With Module '$nsr_none' and Text the atom `file`,
%   load the file SourceId the way consult/1 does (into user or the module it declares).
%   Errors and warnings printed while loading are captured through user:message_hook/3
%   instead of going to stderr; Json lists them with file and line.
nsr_load(M, Id, Text, Time, Json) :-
    retractall(captured(_, _, _, _, _)),
    (   M == '$nsr_none' -> true ; nsr_wipe(M), assertz(loaded_id(M, Id)) ),
    nb_setval(nsr_capturing, true),
    catch(guarded(with_time_limit(Time, load_source(M, Id, Text))), E, true),
    nb_setval(nsr_capturing, false),
    (   var(E) -> true
    ;   message_line(E, Msg), load_error_kind(E, Kind),
        assertz(captured(Kind, Msg, Id, 0, 0))
    ),
    findall(m(K, Msg1, F, L, C), retract(captured(K, Msg1, F, L, C)), Msgs),
    with_output_to(string(Json), write_messages(Msgs)).

load_error_kind(E, Kind) :- catch(error_fields(E, Kind, _), _, Kind = error).

load_source('$nsr_none', Path, file) :- !,
    load_files(user:Path, [if(true)]).
load_source(M, Id, Text) :-
    setup_call_cleanup(
        open_string(Text, S),
        load_files(M:Id, [stream(S), if(true)]),
        close(S)).

write_messages(Msgs) :-
    write('{"messages":['),
    (   Msgs = [First|Rest]
    ->  write_message(First),
        forall(member(X, Rest), (put_char(','), write_message(X)))
    ;   true
    ),
    write(']}').

write_message(m(Kind, Msg, File, Line, Col)) :-
    write('{"kind":'), json_text(Kind),
    write(',"message":'), json_text(Msg),
    write(',"file":'), json_text(File),
    write(',"line":'), write(Line),
    write(',"column":'), write(Col),
    write('}').

:- multifile user:message_hook/3.
user:message_hook(halt(cancel(_)), _, _) :-
    nb_current(nsr_busy, true),
    !.
user:message_hook(Term, Kind, _Lines) :-
    ( Kind == error ; Kind == warning ),
    nb_current(nsr_capturing, true),
    capture(Term, Kind),
    !.

capture(Term, Kind) :-
    (   Term = error(syntax_error(What), Ctx), syntax_position(Ctx, File, Line, Col)
    ->  syntax_what(What, Msg),
        assertz(captured(syntax, Msg, File, Line, Col))
    ;   (   source_location(File, Line) -> true ; File = '', Line = 0 ),
        (   catch(error_fields(Term, existence, [predicate=PI]), _, fail)
        ->  format(string(Msg), 'unknown procedure ~w', [PI])
        ;   message_line(Term, Msg)
        ),
        (   Kind == error -> load_error_kind(Term, K)
        ;   Term = goal_failed(_, _) -> K = error      % a failed directive is not harmless
        ;   K = warning
        ),
        assertz(captured(K, Msg, File, Line, 0))
    ).

syntax_position(file(File, Line, LinePos, _), File, Line, Col) :- Col is LinePos + 1.
syntax_position(stream(_, Line, LinePos, _), File, Line, Col) :-
    (   source_location(File, _) -> true ; File = '' ),
    Col is LinePos + 1.
