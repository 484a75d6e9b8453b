package dev.switchyard.core.cel;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.navigation.CelNavigableAst;
import dev.cel.common.navigation.CelNavigableExpr;
import dev.cel.common.types.CelKind;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerBuilder;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;

import java.util.Set;
import java.util.TreeSet;

/**
 * Compiles and type-checks route conditions. Every metadata key is a CEL variable, but the keys are not known when a
 * router is created, so each bare identifier of the expression is declared as {@code dyn} (cel-java rejects
 * undeclared names); {@code metadata} (the whole map) and {@code request} (facts about the request) are declared as
 * maps. The result must be a boolean (or {@code dyn}, e.g. a bare boolean flag such as {@code is_vip}).
 * Ingress uses this to reject a bad router with a 400; the routing engine uses it to run the router.
 */
public final class ConditionCompiler {
    public static final String METADATA_VARIABLE = "metadata";
    public static final String REQUEST_VARIABLE = "request";

    /**
     * Numbers compare across int and double ({@code score >= 0.5} with {@code "score": 1}): JSON has one number type
     * and clients send {@code 1}, not {@code 1.0}; without this the comparison has no overload, the condition counts
     * as false and the request silently takes another route.
     */
    private static final CelOptions OPTIONS = CelOptions.current().enableHeterogeneousNumericComparisons(true).build();
    private static final CelCompiler PARSER = CelCompilerFactory.standardCelCompilerBuilder().setOptions(OPTIONS)
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS).build();
    private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().setOptions(OPTIONS).build();

    private ConditionCompiler() {
    }

    /** Compiles {@code expression}; throws {@link InvalidConditionException} with CEL's own message when it is wrong. */
    public static Condition compile(String expression) {
        if (expression == null || expression.isBlank()) {
            throw new InvalidConditionException("cel_expression is empty");
        }
        CelAbstractSyntaxTree parsed = check(PARSER.parse(expression));
        Set<String> identifiers = freeIdentifiers(parsed);

        CelCompilerBuilder builder = CelCompilerFactory.standardCelCompilerBuilder().setOptions(OPTIONS)
                .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
                .addVar(METADATA_VARIABLE, MapType.create(SimpleType.STRING, SimpleType.DYN))
                .addVar(REQUEST_VARIABLE, MapType.create(SimpleType.STRING, SimpleType.DYN));
        for (String identifier : identifiers) {
            if (!identifier.equals(METADATA_VARIABLE) && !identifier.equals(REQUEST_VARIABLE)) {
                builder.addVar(identifier, SimpleType.DYN);
            }
        }
        CelAbstractSyntaxTree checked = check(builder.build().compile(expression));
        CelKind resultKind = checked.getResultType().kind();
        if (resultKind != CelKind.BOOL && resultKind != CelKind.DYN) {
            throw new InvalidConditionException("cel_expression must be a boolean condition, but its type is "
                    + checked.getResultType().name());
        }
        try {
            return new Condition(expression, RUNTIME.createProgram(checked));
        } catch (CelEvaluationException e) {
            throw new InvalidConditionException(e.getMessage().strip());
        }
    }

    private static CelAbstractSyntaxTree check(CelValidationResult result) {
        try {
            return result.getAst();
        } catch (CelValidationException e) {
            throw new InvalidConditionException(e.getMessage().strip());
        }
    }

    private static Set<String> freeIdentifiers(CelAbstractSyntaxTree ast) {
        Set<String> names = new TreeSet<>();
        CelNavigableAst.fromAst(ast).getRoot().allNodes()
                .filter(node -> node.getKind() == CelExpr.ExprKind.Kind.IDENT)
                .map(CelNavigableExpr::expr)
                .forEach(expr -> names.add(expr.ident().name()));
        return names;
    }
}
