% core.pl: equality and negation for the GSS program DSL (see grammars/gss.lark).
%
% Plain Prolog, no module declaration: consult it into any module together with lists.pl,
% numbers.pl and a file of compiled programs (nsr.semantics.compile_symbols).
%
% Conditions run forwards as ordinary tests. Run backwards (some arguments still unbound),
% a positive test binds them (eq: unify) and a negated one waits until they are ground.

prim_eq(X, Y) :- X = Y.

% nsr_not(+Test): negation that is sound on unbound arguments (it delays until ground).
nsr_not(Test) :-
    (   ground(Test)
    ->  \+ Test
    ;   when(ground(Test), \+ Test)
    ).
