/*  nsr prototype driver: derives the answers of Prolog prototypes in a plain `swipl`.

    Protocol: one JSON object per line on stdin,
        {"id": ..., "program": Text, "query": Text, "time_limit": Seconds, "inference_limit": N}
    and one JSON object per job on stdout, in the same order,
        {"id": ..., "status": S, "answer": Text, "inferences": N, "message": Text}
    with S one of ok | no_answer | ambiguous | syntax_error | error | timeout | inference_limit.

    Why a driver instead of consulting each item: one `swipl` process derives thousands of items
    (a process costs ~40 ms), and each program is loaded into its own temporary module, so the
    clauses of one item never leak into the next. The query must bind the variable `Answer`;
    up to two distinct answers are collected so that an ambiguous question is reported as such
    instead of silently keeping the first answer. Answers are printed with
    write_term(quoted(true), spacing(next_argument)), the canonical text stored in records.
*/

:- use_module(library(http/json)).
:- use_module(library(time)).
:- use_module(library(solution_sequences)).
:- use_module(library(modules)).
% Load up front what the shipped templates use, so that inference counts do not depend on which
% item happened to trigger an autoload first (they are recorded as verification metadata).
:- use_module(library(lists)).
:- use_module(library(apply)).
:- use_module(library(yall)).
:- use_module(library(pairs)).
:- use_module(library(clpfd)).
:- use_module(library(tabling)).
:- use_module(library(aggregate)).

:- initialization(main, main).

:- dynamic load_error/1.

user:message_hook(_Term, error, Lines) :-
    nb_current(nsr_capturing, true),
    !,
    message_lines_string(Lines, Text),
    assertz(load_error(Text)).
user:message_hook(_Term, warning, _Lines) :-
    nb_current(nsr_capturing, true).

message_lines_string(Lines, Text) :-
    with_output_to(string(Text0), print_message_lines(current_output, '', Lines)),
    split_string(Text0, "\n", " \t", Parts0),
    exclude(==(""), Parts0, Parts),
    atomic_list_concat(Parts, ' ', Atom),
    atom_string(Atom, Text).

main :-
    set_prolog_flag(debug_on_error, false),
    prompt(_, ''),
    set_stream(user_input, encoding(utf8)),
    set_stream(user_output, encoding(utf8)),
    warm_up,
    loop.

% Run two throw-away jobs first: the first derivation in a process pays one-off costs (library
% initialisation, first module creation) that would otherwise inflate one item's inferences.
warm_up :-
    forall(member(P-Q, ["w(1). w(2)."-"w(Answer), Answer > 1",
                        ":- use_module(library(clpfd)).\nz(X) :- [X, Y] ins 1..3, all_different([X, Y]), abs(X - Y) #= 1, X #\\= 1, Y #< X, X #= Y + 1, label([X, Y])."
                        -"z(Answer)",
                        ":- table f/2.\nf(0, 0).\nf(N, F) :- N > 0, M is N - 1, f(M, G), F is G + 1."
                        -"f(3, Answer), msort([b, a], _), include([X]>>(X > 0), [1], _)"]),
           ignore(catch(solve_job(_{program:P, query:Q}, _), _, true))).

loop :-
    json_read_dict(user_input, Job, [end_of_file(end_of_jobs)]),
    (   Job == end_of_jobs
    ->  true
    ;   run_job(Job),
        loop
    ).

run_job(Job) :-
    get_dict(id, Job, Id),
    catch(solve_job(Job, Result), E, exception_result(E, Result)),
    put_dict(id, Result, Id, Out),
    json_write_dict(user_output, Out, [width(0)]),
    nl(user_output),
    flush_output(user_output).

exception_result(E, _{status:"error", answer:"", inferences:0, message:Msg}) :-
    message_to_codes(E, Msg).

message_to_codes(E, Msg) :-
    catch(( message_to_codes_(E, Msg) ), _, format(string(Msg), "~q", [E])).

message_to_codes_(E, Msg) :-
    '$messages':translate_message(E, Lines, []),
    message_lines_string(Lines, Msg).

solve_job(Job, Result) :-
    get_dict(program, Job, Program),
    get_dict(query, Job, Query),
    ( get_dict(time_limit, Job, TL) -> true ; TL = 10 ),
    ( get_dict(inference_limit, Job, IL) -> true ; IL = 50000000 ),
    in_temporary_module(M, true, run_in(M, Program, Query, TL, IL, Result)).

run_in(M, Program, Query, TL, IL, Result) :-
    load_program(M, Program, Errors),
    (   Errors = [First|_]
    ->  Result = _{status:"syntax_error", answer:"", inferences:0, message:First}
    ;   catch(term_string(Goal, Query, [variable_names(Vs), module(M)]), E,
              ( message_to_codes(E, Msg), Result = _{status:"syntax_error", answer:"",
                                                     inferences:0, message:Msg} )),
        (   nonvar(Result)
        ->  true
        ;   memberchk('Answer'=A, Vs)
        ->  run_goal(M, Goal, A, TL, IL, Result)
        ;   Result = _{status:"error", answer:"", inferences:0,
                       message:"the query does not mention the variable Answer"}
        )
    ).

load_program(M, Program, Errors) :-
    retractall(load_error(_)),
    setup_call_cleanup(
        ( open_string(Program, S), nb_setval(nsr_capturing, true) ),
        catch(load_files(M:nsr_prototype, [stream(S), silent(true)]), E,
              ( message_to_codes(E, Msg), assertz(load_error(Msg)) )),
        ( close(S), nb_setval(nsr_capturing, false) )),
    findall(Err, load_error(Err), Errors).

run_goal(M, Goal, A, TL, IL, Result) :-
    statistics(inferences, I0),
    catch(call_with_time_limit(TL,
              call_with_inference_limit(findall(A, limit(2, distinct(A, M:Goal)), As), IL, R)),
          E, true),
    statistics(inferences, I1),
    Inf is I1 - I0,
    (   nonvar(E)
    ->  (   E == time_limit_exceeded
        ->  Result = _{status:"timeout", answer:"", inferences:Inf,
                       message:"time limit exceeded"}
        ;   message_to_codes(E, Msg),
            Result = _{status:"error", answer:"", inferences:Inf, message:Msg}
        )
    ;   R == inference_limit_exceeded
    ->  Result = _{status:"inference_limit", answer:"", inferences:Inf,
                   message:"inference limit exceeded"}
    ;   As = []
    ->  Result = _{status:"no_answer", answer:"", inferences:Inf, message:"the query failed"}
    ;   As = [One]
    ->  answer_text(One, Text),
        Result = _{status:"ok", answer:Text, inferences:Inf, message:""}
    ;   As = [A1, A2|_],
        answer_text(A1, T1), answer_text(A2, T2),
        format(string(Msg), "at least two answers: ~w and ~w", [T1, T2]),
        Result = _{status:"ambiguous", answer:"", inferences:Inf, message:Msg}
    ).

answer_text(A, Text) :-
    copy_term(A, A1),
    numbervars(A1, 0, _),
    with_output_to(string(Text),
        write_term(A1, [quoted(true), numbervars(true), spacing(next_argument), portray(false)])).
