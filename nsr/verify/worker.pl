/*  nsr verify worker: runs UNTRUSTED Prolog samples, one per request, for nsr.verify.

    Started by nsr/verify/pool.py as a long-lived `swipl` process; it talks over stdin/stdout
    only, and nothing a sample does may reach those two streams, the worker's own code, or the
    next sample.  Defence in depth, inside this process:

      1. The program text is read term by term here (never consulted), so no directive runs
         as written: only declarations (dynamic, discontiguous, table), loading a few trusted
         libraries and file-local syntax flags are interpreted; anything else is rejected.
      2. Every sample gets a fresh temporary module (in_temporary_module/3), destroyed after
         the sample, so asserted clauses cannot leak into the next sample.
      3. library(sandbox) safe_goal/1 statically checks the query and every clause body:
         no files, shell, network, processes, halt, flags with global effect, op/3 ...
      4. The sample runs in its own thread with a stack limit, under
         call_with_inference_limit/3, and the main thread interrupts it when its time is up.
         A thread also owns its Prolog flags, stacks and tables, and an abort/0 (which the
         sandbox allows) only ends that thread.
      5. user_input, user_output and user_error are null streams while samples run: output a
         sample prints is discarded and it cannot read or corrupt the protocol.

    The parent adds an OS-level kill + respawn when a reply is late, and an address-space
    ulimit, because C code that does not return to Prolog (a huge format/3 into an atom, say)
    cannot be interrupted from here.

    Protocol (UTF-8).  Request: one header line
        R <id> <time_limit_ms> <inference_limit> <stack_limit_bytes> <n_program> <n_query> <n_expected>
    followed by the three texts, with their lengths given in characters.  Reply: one line of
    JSON, {"id":..,"reason":..,"message":..,"answer":..,"inferences":..,"run_seconds":..}.
    The worker prints {"ready":true} once at start-up.
*/

:- module(nsr_verify_worker, [main/0]).

:- use_module(library(sandbox)).
:- use_module(library(time)).
:- use_module(library(error)).
% Pre-load the libraries samples use most, so that their first use is not an autoload inside a
% sample's time limit.
:- use_module(library(lists)).
:- use_module(library(apply)).
:- use_module(library(aggregate)).
:- use_module(library(pairs)).
:- use_module(library(ordsets)).
:- use_module(library(yall)).
:- use_module(library(dif)).
:- use_module(library(clpfd)).
:- use_module(library(modules)).     % in_temporary_module/3
:- use_module(library(occurs)).      % sub_term/2

%   Libraries a program may load with `:- use_module(library(Name))`: trusted code, and
%   sandbox-safe (each declares what of it is safe to call).
allowed_library(lists).
allowed_library(apply).
allowed_library(aggregate).
allowed_library(pairs).
allowed_library(ordsets).
allowed_library(assoc).
allowed_library(yall).
allowed_library(dif).
allowed_library(clpfd).
allowed_library(ugraphs).
allowed_library(rbtrees).
allowed_library(occurs).
allowed_library(solution_sequences).
allowed_library(dcg/basics).

% Printing to the current output is harmless here (it is a null stream), and model-written
% programs print a lot, so these are whitelisted on top of the sandbox defaults.
:- multifile sandbox:safe_primitive/1.
sandbox:safe_primitive(system:write(_)).
sandbox:safe_primitive(system:writeq(_)).
sandbox:safe_primitive(system:write_canonical(_)).
sandbox:safe_primitive(system:write_term(_, _)).
sandbox:safe_primitive(system:print(_)).
sandbox:safe_primitive(system:nl).
sandbox:safe_primitive(system:tab(_)).
sandbox:safe_primitive(system:put_char(_)).

max_text(2000).            % characters kept of a message or an answer

%   Libraries a sample may call without loading them, as it could in plain Prolog (they are
%   autoloadable).  Imported into `user`, which every temporary module inherits from, so a
%   call resolves at once instead of running the autoloader in each sample's fresh module
%   (~20 us a sample).  clpfd is not among them: its operators would change how programs
%   that never load it are read.
user_library(lists).
user_library(apply).
user_library(aggregate).
user_library(pairs).
user_library(ordsets).
user_library(yall).
user_library(dif).

main :-
    forall(user_library(Name), user:use_module(library(Name))),
    set_prolog_flag(debug_on_error, false),
    set_prolog_flag(report_error, false),
    stream_property(In, alias(user_input)),
    stream_property(Out, alias(user_output)),
    set_stream(In, encoding(utf8)),
    set_stream(In, newline(posix)),
    set_stream(Out, encoding(utf8)),
    set_stream(Out, newline(posix)),
    set_stream(Out, buffer(full)),
    open_null_stream(Null),
    set_stream(Null, alias(user_output)),
    set_stream(Null, alias(user_error)),
    open_string("", Empty),
    set_stream(Empty, alias(user_input)),
    set_input(Empty),
    set_output(Null),
    format(Out, "{\"ready\":true}~n", []),
    flush_output(Out),
    serve(In, Out).

serve(In, Out) :-
    read_line_to_string(In, Header),
    (   Header == end_of_file
    ->  true
    ;   handle(Header, In, Out),
        serve(In, Out)
    ).

handle(Header, In, Out) :-
    (   split_string(Header, " ", "", ["R", SId|Nums]),
        maplist(number_string, [TimeMs, InfLimit, StackLimit, NP, NQ, NE], Nums)
    ->  read_string(In, NP, Program),
        read_string(In, NQ, Query),
        read_string(In, NE, Expected),
        Limits = limits(TimeMs, InfLimit, StackLimit),
        run_sample(Program, Query, Expected, Limits, Result),
        reply(Out, SId, Result)
    ;   reply(Out, "null", result(protocol_error, Header, "", 0, 0.0))
    ).

%!  run_sample(+Program, +Query, +Expected, +Limits, -Result) is det.
%
%   Runs one sample in a fresh module and a fresh thread (see the file comment for why) and
%   converts whatever happens to it into result(Reason, Message, Answer, Inferences, Seconds).
%   The module is created and destroyed by this (main) thread: destroying it from inside the
%   sample thread costs about 0.5 ms more per sample.

run_sample(Program, Query, Expected, Limits, Result) :-
    Limits = limits(TimeMs, _, StackLimit),
    Time is max(0.001, TimeMs / 1000),
    thread_self(Main),
    catch(in_temporary_module(
              M,
              true,
              ( thread_create(nsr_verify_worker:sample_thread(M, Program, Query, Expected, Limits),
                              Id, [ stack_limit(StackLimit),
                                    at_exit(nsr_verify_worker:sample_done(Main)) ]),
                nsr_verify_worker:await_sample(Main, Id, Time, Status) )),
          E,
          Status = exception(E)),
    status_result(Status, Result).

%!  await_sample(+Main, +Id, +Time, -Status) is det.
%
%   The sample's time limit, kept by this thread: wait up to Time seconds for the sample
%   thread to end (however it ends, its at_exit hook posts sample_done), else interrupt it with
%   time_limit_exceeded (reported as time_limit by the stage it hits).  Why not
%   call_with_time_limit/2 inside the sample: its alarm lives in a scheduler thread that is
%   woken to install and again to remove every alarm, which cost ~90 us a sample, a third of
%   the worker's time.  A sample that catches the exception and keeps running, or is stuck in
%   C, is the parent's to kill at its deadline, as before.

await_sample(Main, Id, Time, Status) :-
    (   thread_get_message(Main, sample_done(Id), [timeout(Time)])
    ->  thread_join(Id, Status)
    ;   catch(thread_signal(Id, throw(time_limit_exceeded)), _, true),
        thread_join(Id, Status),
        ignore(thread_get_message(Main, sample_done(Id), [timeout(0)]))
    ).

sample_done(Main) :-
    thread_self(Me),
    thread_send_message(Main, sample_done(Me)).

status_result(exited(Result), Result) :- !.
status_result(exception(E), result(Reason, Message, "", 0, 0.0)) :-
    !,
    error_reason(E, Reason),
    error_text(E, Message).
status_result(Status, result(runtime_error, Message, "", 0, 0.0)) :-
    format(string(Message), "sample thread ended with ~q", [Status]).

sample_thread(M, Program, Query, Expected, Limits) :-
    catch(evaluate(M, Program, Query, Expected, Limits, Result),
          E,
          ( error_reason(E, Reason), error_text(E, Msg),
            Result = result(Reason, Msg, "", 0, 0.0) )),
    !,
    thread_exit(Result).

evaluate(M, Program, Query, Expected, limits(_, InfLimit, _), Result) :-
    statistics(inferences, I0),
    statistics(cputime, T0),
    % Reading, loading, the safety check and the run share one time budget, kept by the
    % main thread (await_sample/4); a stage its interrupt hits reports time_limit.
    run_stages([ load_program(M, Program, Shape) - syntax_error,
                 read_query(M, Query, Goal, Var) - bad_query,
                 read_single_term(M, Expected, Want, _) - bad_expected,
                 check_safe_cached(M, Shape, Goal) - unsafe,
                 solve(M, Goal, InfLimit, Outcome) - runtime_error
               ], Status),
    (   Status \== ok
    ->  Result = Status
    ;   statistics(inferences, I1),
        statistics(cputime, T1),
        Inferences is I1 - I0,
        Seconds is T1 - T0,
        outcome_result(Outcome, Var, Want, Inferences, Seconds, Result)
    ).

%!  run_stages(+Stages, -Status) is det.
%
%   Runs Goal-DefaultReason pairs in order, keeping their bindings; Status is `ok`, or the
%   result term of the first stage that raised an error or failed.

run_stages([], ok).
run_stages([Goal-Default|Stages], Status) :-
    stage(Goal, Default, Status0),
    (   Status0 == ok
    ->  run_stages(Stages, Status)
    ;   Status = Status0
    ).

%!  stage(:Goal, +DefaultReason, -Status) is det.
%
%   Status is `ok` when Goal succeeded (its bindings are kept), otherwise a result term with
%   the error's reason code, or DefaultReason for errors with no more specific code.

stage(Goal, Default, Status) :-
    catch((call(Goal) -> Error = none ; Error = failed), E, Error = E),
    (   Error == none
    ->  Status = ok
    ;   Error == failed
    ->  Status = result(Default, "the text could not be read or evaluated", "", 0, 0.0)
    ;   stage_reason(Error, Default, Reason),
        error_text(Error, Message),
        Status = result(Reason, Message, "", 0, 0.0)
    ).

stage_reason(E, Default, Reason) :-
    (   specific_reason(E, Reason0)
    ->  Reason = Reason0
    ;   Reason = Default
    ).

specific_reason(time_limit_exceeded, time_limit).
specific_reason(time_limit_exceeded(_), time_limit).
specific_reason(error(resource_error(_), _), memory_limit).
% Memory exhaustion that reaches us as an I/O or system error (a write into a memory stream
% failing with ENOMEM under the address-space limit): a memory limit, whichever path reports it.
specific_reason(error(_, context(_, Message)), memory_limit) :-
    memory_message(Message).
specific_reason(nsr(Reason, _), Reason) :- Reason \== default.
specific_reason(error(permission_error(call, sandboxed, _), _), unsafe).
specific_reason(error(existence_error(procedure, _), sandbox(_, _)), undefined_predicate).
specific_reason(error(instantiation_error, sandbox(_, _)), unsafe).
specific_reason('$aborted', runtime_error).
specific_reason(unwind(_), runtime_error).

error_reason(E, Reason) :- stage_reason(E, runtime_error, Reason).

memory_message(Message) :-
    atomic(Message),
    downcase_atom(Message, Lower),
    (   sub_atom(Lower, _, _, _, 'cannot allocate memory')
    ;   sub_atom(Lower, _, _, _, 'not enough memory')
    ;   sub_atom(Lower, _, _, _, 'out of memory')
    ),
    !.

%!  load_program(+M, +Text, -Shape) is det.
%
%   Reads Text term by term into module M.  Nothing in it is executed: clauses are asserted,
%   DCG rules translated, `dynamic`/`discontiguous` declarations applied, every other directive
%   rejected with nsr(directive, Msg).  Accepted: dynamic/1, discontiguous/1, table/1 (plain
%   name/arity), use_module/1,2 and ensure_loaded/1 of allowed_library/1 libraries,
%   style_check/1 (ignored), and the syntax flags handled by load_terms/4.
%
%   Shape is what the safety check depends on (see check_safe_cached/3): the rules and
%   directives in order, and the set of predicates that have facts.

load_program(M, Text, shape(Kept, FactPIs)) :-
    setup_call_cleanup(open_string(Text, S),
                       load_terms(S, M, [], Parts),
                       close(S)),
    split_facts(Parts, Kept, PIs),
    sort(PIs, FactPIs).

%   Syntax is a per-file matter in standard Prolog: `:- set_prolog_flag(double_quotes, V)` in
%   the program only changes how the rest of the program is read (Options), never a global
%   flag of the worker.
load_terms(S, M, Syntax, Parts) :-
    read_term(S, Term, [module(M), syntax_errors(error)|Syntax]),
    (   Term == end_of_file
    ->  Parts = []
    ;   nonvar(Term),
        Term = (:- set_prolog_flag(Flag, Value)),
        syntax_flag(Flag, Value)
    ->  Option =.. [Flag, Value],
        Parts = [syntax(Option)|Rest],
        load_terms(S, M, [Option|Syntax], Rest)
    ;   load_term(Term, M, Part),
        Parts = [Part|Rest],
        load_terms(S, M, Syntax, Rest)
    ).

split_facts([], [], []).
split_facts([Part|Parts], Kept, PIs) :-
    (   Part = fact(PI)
    ->  PIs = [PI|PIs1],
        split_facts(Parts, Kept, PIs1)
    ;   Kept = [Part|Kept1],
        split_facts(Parts, Kept1, PIs)
    ).

syntax_flag(double_quotes, V) :- memberchk(V, [codes, chars, atom, string]).
syntax_flag(back_quotes, V) :- memberchk(V, [codes, chars, string, symbol_char]).

%!  load_term(+Term, +M, -Part) is det.
%
%   Part: directive(D), rule(Clause) or fact(Name/Arity) (a clause without a body).

load_term(Var, _, _) :-
    var(Var),
    !,
    throw(nsr(bad_program, "a clause is a variable")).
load_term((:- Directive), M, directive(Directive)) :-
    !,
    directive(Directive, M).
load_term((?- Directive), M, directive(Directive)) :-
    !,
    directive(Directive, M).
load_term((Head --> Body), M, Part) :-
    !,
    catch(dcg_translate_rule((Head --> Body), Clause), _,
          throw(nsr(bad_program, "malformed grammar rule"))),
    add_clause(Clause, M),
    clause_part(Clause, Part).
load_term(Clause, M, Part) :-
    add_clause(Clause, M),
    clause_part(Clause, Part).

clause_part(Clause, Part) :-
    (   Clause = (_ :- _)
    ->  Part = rule(Clause)
    ;   functor(Clause, Name, Arity),
        Part = fact(Name/Arity)
    ).

directive(Var, _) :-
    var(Var),
    !,
    throw(nsr(directive, "directive is a variable")).
directive(dynamic(Spec), M) :-
    !,
    declare(dynamic, Spec, M).
directive(discontiguous(Spec), M) :-
    !,
    declare(discontiguous, Spec, M).
directive(table(Spec), M) :-
    !,
    (   pi_list(Spec, PIs)
    ->  forall(member(N/A, PIs), M:table(N/A))
    ;   throw(nsr(bad_program, "malformed table declaration (use :- table name/arity)"))
    ).
directive(use_module(Spec), M) :-
    !,
    library_import(Spec, M, all).
directive(use_module(Spec, Imports), M) :-
    !,
    library_import(Spec, M, Imports).
directive(ensure_loaded(Spec), M) :-
    !,
    library_import(Spec, M, all).
directive(style_check(Spec), _) :-
    % Inert here: it only tunes load-time warnings, and this loader reads terms itself and
    % prints nothing. Generated programs (nsr programs --prolog) carry one.
    ground(Spec),
    !.
directive(Directive, _) :-
    (   callable(Directive)
    ->  functor(Directive, Name, Arity)
    ;   Name = Directive, Arity = 0
    ),
    format(string(Msg), "directives are not allowed (found :- ~q/~w)", [Name, Arity]),
    throw(nsr(directive, Msg)).

declare(Kind, Spec, M) :-
    (   pi_list(Spec, PIs)
    ->  forall(member(N/A, PIs), local_declaration(Kind, M, N, A))
    ;   format(string(Msg), "malformed ~w declaration", [Kind]),
        throw(nsr(bad_program, Msg))
    ).

library_import(Spec, M, Imports) :-
    (   ground(Spec), Spec = library(Name), allowed_library(Name),
        ( Imports == all ; is_list(Imports) )
    ->  (   Imports == all
        ->  M:use_module(library(Name))
        ;   M:use_module(library(Name), Imports)
        )
    ;   format(string(Msg), "only a few libraries may be loaded (found ~q)", [Spec]),
        throw(nsr(directive, Msg))
    ).

pi_list(Var, _) :- var(Var), !, fail.
pi_list((A, B), PIs) :- !, pi_list(A, P1), pi_list(B, P2), append(P1, P2, PIs).
pi_list([], []) :- !.
pi_list([H|T], PIs) :- !, pi_list(H, P1), pi_list(T, P2), append(P1, P2, PIs).
pi_list(N/A, [N/A]) :- atom(N), integer(A), A >= 0, A =< 64.

local_declaration(Kind, M, N, A) :-
    functor(Head, N, A),
    (   sub_atom(N, 0, 1, _, $)
    ->  format(string(Msg), "predicate names starting with $ are reserved (~q)", [N]),
        throw(nsr(bad_program, Msg))
    ;   predicate_property(M:Head, built_in)
    ->  format(string(Msg), "cannot redeclare built-in ~q/~w", [N, A]),
        throw(nsr(bad_program, Msg))
    ;   % clauses arrive by assertz, which a static (discontiguous-declared) predicate refuses
        ( Kind == (discontiguous) -> Applied = (dynamic) ; Applied = Kind ),
        Goal =.. [Applied, M:N/A],
        catch(Goal, E, (error_text(E, Msg), throw(nsr(bad_program, Msg))))
    ).

add_clause(Clause, M) :-
    clause_head(Clause, Head),
    (   var(Head)
    ->  throw(nsr(bad_program, "a clause head is a variable"))
    ;   Head = _:_
    ->  throw(nsr(unsafe, "module-qualified clause heads are not allowed"))
    ;   \+ callable(Head)
    ->  format(string(Msg), "clause head ~q is not callable", [Head]),
        throw(nsr(bad_program, Msg))
    ;   predicate_property(M:Head, built_in)
    ->  functor(Head, N, A),
        format(string(Msg), "cannot redefine built-in ~q/~w", [N, A]),
        throw(nsr(bad_program, Msg))
    ;   functor(Head, N, _), sub_atom(N, 0, 1, _, $)
    ->  format(string(Msg), "predicate names starting with $ are reserved (~q)", [N]),
        throw(nsr(bad_program, Msg))
    ;   catch(assertz(M:Clause), E,
              ( error_text(E, Msg), throw(nsr(bad_program, Msg)) )),
        declare_asserted(Clause, M)
    ).

%!  declare_asserted(+Clause, +M) is det.
%
%   A program that asserts facts of a predicate it never declares works in plain Prolog (the
%   first assert creates it), but the static safety check would call that predicate undefined.
%   So every fact template under assert/retract in a body is declared dynamic first, as the
%   assert would do at run time.  The sandbox still checks each assert.

declare_asserted((_ :- Body), M) :-
    !,
    forall(( sub_term(Sub, Body),
             compound(Sub),
             Sub =.. [Name, Fact|_],
             memberchk(Name, [assert, asserta, assertz, retract, retractall]),
             callable(Fact),
             Fact \= (_ :- _),
             Fact \= _:_,
             functor(Fact, N, A),
             \+ sub_atom(N, 0, 1, _, $),
             functor(Head, N, A),
             \+ predicate_property(M:Head, defined) ),
           catch(dynamic(M:N/A), _, true)).
declare_asserted(_, _).

clause_head(Clause, Head) :-
    (   nonvar(Clause), Clause = (Head :- _)
    ->  true
    ;   Head = Clause
    ).

%!  read_query(+M, +Text, -Goal, -Var) is det.
%
%   The query must be one callable term with exactly one named variable (besides `_`-prefixed
%   ones); that variable carries the answer.

read_query(M, Text, Goal, Var) :-
    read_single_term(M, Text, Goal, Bindings),
    (   \+ callable(Goal)
    ->  throw(nsr(bad_query, "the query is not a callable goal"))
    ;   true
    ),
    exclude(underscore_binding, Bindings, Named),
    (   Named = [_=Var]
    ->  true
    ;   length(Named, N),
        format(string(Msg), "the query must have exactly one answer variable (found ~w)", [N]),
        throw(nsr(bad_query, Msg))
    ).

underscore_binding(Name = _) :- sub_atom(Name, 0, 1, _, '_').

%!  read_single_term(+M, +Text, -Term, -Bindings) is det.
%
%   Text must hold exactly one term (the final full stop is optional).

read_single_term(M, Text, Term, Bindings) :-
    split_string(Text, "", " \t\r\n", [Trimmed]),
    (   Trimmed == ""
    ->  throw(nsr(default, "empty text"))
    ;   sub_string(Trimmed, _, 1, 0, ".")
    ->  Full = Trimmed
    ;   string_concat(Trimmed, " .", Full)
    ),
    setup_call_cleanup(
        open_string(Full, S),
        ( read_term(S, Term, [module(M), syntax_errors(error), variable_names(Bindings)]),
          read_term(S, Rest, [module(M), syntax_errors(error)]) ),
        close(S)),
    (   Rest == end_of_file
    ->  true
    ;   throw(nsr(default, "expected a single term, found more than one"))
    ).

%!  check_safe_cached(+M, +Shape, +Goal) is det.
%
%   The sandbox walks the whole call graph, library code included, on every call (about
%   0.1 ms for a small program, a third of a sample's cost), so a pass is remembered.  The key
%   is what the verdict depends on, not the program text: the query and the rules and
%   directives (as terms, up to variable renaming) and WHICH predicates have facts.  A fact's
%   body is `true` and the sandbox never looks at its arguments (it skips fact-only predicates
%   and unifies only rule heads with call patterns), so programs that differ only in their
%   data (the same family of problems with other facts, a GRPO group of completions of one
%   prompt) share one check.  Only passes are cached, and the cache is bounded.

:- dynamic safe_cache/1.
:- dynamic safe_cache_size/1.
safe_cache_size(0).
max_safe_cache(20000).

check_safe_cached(M, Shape, Goal) :-
    (   catch(variant_sha1(Shape-Goal, Key), _, fail)
    ->  (   safe_cache(Key)
        ->  true
        ;   check_safe(M, Goal),
            remember_safe(Key)
        )
    ;   check_safe(M, Goal)
    ).

remember_safe(Key) :-
    with_mutex(nsr_safe_cache,
               ( retract(safe_cache_size(N0)),
                 max_safe_cache(Max),
                 (   N0 >= Max
                 ->  retractall(safe_cache(_)), N = 1
                 ;   N is N0 + 1
                 ),
                 assertz(safe_cache_size(N)),
                 assertz(safe_cache(Key)) )).

%!  check_safe(+M, +Goal) is det.
%
%   The query's call graph and the body of every clause in M must pass safe_goal/1; one call
%   with a disjunction shares the sandbox's per-call cache between them.

check_safe(M, Goal) :-
    findall(Head,
            ( current_predicate(M:N/A),
              \+ sub_atom(N, 0, 1, _, $),     % tabling's helpers; programs may not define $-names
              functor(Head, N, A),
              \+ predicate_property(M:Head, imported_from(_)) ),
            Heads),
    foldl(add_alternative, Heads, Goal, All),
    safe_goal(M:All).

add_alternative(Head, Goal0, (Goal0 ; Head)).

%!  solve(+M, +Goal, +InfLimit, -Outcome) is det.

solve(M, Goal, InfLimit, Outcome) :-
    (   call_with_inference_limit(once(M:Goal), InfLimit, R)
    ->  (   R == inference_limit_exceeded
        ->  Outcome = inference_limit
        ;   Outcome = solved
        )
    ;   Outcome = failed
    ).

outcome_result(inference_limit, _, _, Inf, Sec,
               result(inference_limit, "inference limit exceeded", "", Inf, Sec)).
outcome_result(failed, _, _, Inf, Sec,
               result(no_solution, "the query has no solution", "", Inf, Sec)).
outcome_result(solved, Var, Want, Inf, Sec, result(Reason, Message, Answer, Inf, Sec)) :-
    catch(term_text(Var, Answer), _, Answer = "<unprintable>"),
    (   catch(Var =@= Want, _, fail)
    ->  Reason = ok, Message = ""
    ;   Reason = wrong_answer,
        Message = "the first solution differs from the expected answer"
    ).

term_text(Term0, Text) :-
    max_text(Max),
    (   acyclic_term(Term0)
    ->  copy_term(Term0, Term),
        numbervars(Term, 0, _, [singletons(true)])
    ;   Term = Term0
    ),
    format(string(Full), "~W",
           [Term, [quoted(true), max_depth(64), portray(false), numbervars(true)]]),
    truncate_text(Full, Max, Text).

truncate_text(Full, Max, Text) :-
    string_length(Full, Len),
    (   Len =< Max
    ->  Text = Full
    ;   sub_string(Full, 0, Max, _, Head),
        string_concat(Head, "...", Text)
    ).

%!  error_text(+Error, -Text) is det.
%
%   A short, readable message; never fails, never raises.

error_text(nsr(_, Msg), Text) :- !, text_or_term(Msg, Text).
error_text(error(syntax_error(What), stream(_, Line, LinePos, _)), Text) :-
    !,
    Col is LinePos + 1,
    format(string(Full), "line ~w:~w: syntax error: ~w", [Line, Col, What]),
    truncate(Full, Text).
error_text(error(syntax_error(What), string(_, Pos)), Text) :-
    !,
    format(string(Full), "syntax error at character ~w: ~w", [Pos, What]),
    truncate(Full, Text).
error_text(error(resource_error(What), _), Text) :-
    !,
    format(string(Text), "resource limit: ~w", [What]).
error_text(error(instantiation_error, sandbox(_, _)), Text) :-
    !,
    Text = "cannot verify safety: a goal is built at run time (call/N on an unbound goal)".
error_text(error(permission_error(call, sandboxed, G), _), Text) :-
    !,
    catch(( strip_module(G, _, P), functor(P, N, A),
            format(string(Text), "not allowed in the sandbox: ~q/~w", [N, A]) ),
          _, Text = "not allowed in the sandbox").
error_text(error(existence_error(procedure, PI), sandbox(_, _)), Text) :-
    !,
    catch(( strip_module(PI, _, P), ( P = N/A -> true ; functor(P, N, A) ),
            format(string(Text), "unknown procedure ~q/~w", [N, A]) ),
          _, Text = "unknown procedure").
error_text(time_limit_exceeded, "time limit exceeded") :- !.
error_text(time_limit_exceeded(_), "time limit exceeded") :- !.
error_text('$aborted', "the sample called abort/0") :- !.
error_text(E, Text) :-
    E \= error(_, _),
    !,
    catch(format(string(Full), "uncaught exception: ~W", [E, [quoted(true), max_depth(20)]]),
          _, Full = "uncaught exception"),
    truncate(Full, Text).
error_text(E, Text) :-
    (   catch(message_to_string(E, Full0), _, fail)
    ->  Full = Full0
    ;   catch(format(string(Full), "uncaught exception: ~W",
                     [E, [quoted(true), max_depth(20)]]), _, Full = "uncaught exception")
    ),
    truncate(Full, Text).

truncate(Full, Text) :-
    max_text(Max),
    truncate_text(Full, Max, Text).

text_or_term(Msg, Text) :-
    (   string(Msg) -> Text = Msg
    ;   format(string(Text), "~w", [Msg])
    ).

message_to_string(E, String) :-
    '$messages':translate_message(E, Lines, []),
    with_output_to(string(String0), print_message_lines(current_output, '', Lines)),
    split_string(String0, "", "\n ", [String]).

%!  reply(+Out, +Id, +Result) is det.
%
%   One JSON line; strings are escaped here so the parent needs no Prolog term reader.

reply(Out, Id, result(Reason, Message, Answer, Inferences, Seconds)) :-
    format(Out, "{\"id\":~w,\"reason\":\"~w\",\"inferences\":~w,\"run_seconds\":~6f,\"message\":",
           [Id, Reason, Inferences, Seconds]),
    json_string(Out, Message),
    format(Out, ",\"answer\":", []),
    json_string(Out, Answer),
    format(Out, "}~n", []),
    flush_output(Out).

json_string(Out, Text) :-
    (   string(Text) -> S = Text ; format(string(S), "~w", [Text]) ),
    string_codes(S, Codes),
    put_char(Out, '"'),
    maplist(json_code(Out), Codes),
    put_char(Out, '"').

json_code(Out, 0'") :- !, format(Out, "\\\"", []).
json_code(Out, 0'\\) :- !, format(Out, "\\\\", []).
json_code(Out, C) :- C < 32, !, format(Out, "\\u~|~`0t~16r~4+", [C]).
json_code(Out, C) :- C >= 0xD800, C =< 0xDFFF, !, format(Out, "\\ufffd", []).
json_code(Out, C) :- put_code(Out, C).
