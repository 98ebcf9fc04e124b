% core.pl: equality and negation for the GSS program DSL (see grammars/gss.lark).
%
% Plain Prolog, no module declaration: consult it into any module together with lists.pl,
% numbers.pl and a file of compiled programs (nsr.semantics.compile_symbols).
%
% Conditions run forwards as ordinary tests. Run backwards (some arguments still unbound),
% a positive test binds them (eq: unify) and a negated one waits until they are ground.

prim_eq(X, Y) :- X = Y.

% Negation is compiled inline (nsr.semantics.compiler._negation): a static checker such as
% library(sandbox) then sees the negated goal itself, which a meta-call would hide.
