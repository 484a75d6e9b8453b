package dev.switchyard.engine.routing;

import dev.switchyard.core.cel.Condition;
import dev.switchyard.core.cel.ConditionCompiler;
import dev.switchyard.events.Route;
import dev.switchyard.events.RouterConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A router version with its conditions compiled once, so a request costs only evaluation. */
public final class CompiledRouter {
    private final RouterConfig config;
    private final List<Condition> conditions;

    private CompiledRouter(RouterConfig config, List<Condition> conditions) {
        this.config = config;
        this.conditions = conditions;
    }

    /** Compiles every route condition; the API only publishes routers that compile, so this does not fail on them. */
    public static CompiledRouter compile(RouterConfig config) {
        List<Condition> conditions = new ArrayList<>();
        for (Route route : config.getRoutes()) {
            conditions.add(ConditionCompiler.compile(route.getCelExpression()));
        }
        return new CompiledRouter(config, conditions);
    }

    public RouterConfig config() {
        return config;
    }

    /** The first route whose condition holds, else the default route; null when neither exists. */
    public Route selectRoute(Map<String, ?> variables) {
        for (int i = 0; i < conditions.size(); i++) {
            if (conditions.get(i).matches(variables)) {
                return config.getRoutes().get(i);
            }
        }
        return config.getDefaultRoute();
    }
}
