package dev.switchyard.ingress.it;

/** Router bodies for the experiments tests: one default route "main" with a control and a treatment, 50/50. */
final class ExperimentRouters {
    private ExperimentRouters() {
    }

    /** Variants "ctl" (openai/gpt-5.2, the control) and "new" (anthropic/claude-haiku-4-5); metrics conversion (boolean) and satisfaction (float). */
    static String body(String id) {
        return """
                {"name": "routers/%s", "displayName": "Checkout assistant",
                 "routes": [],
                 "defaultRoute": {"route_id": "main", "variants": [
                   {"variant": {"variant_id": "ctl", "modelId": "openai/gpt-5.2"}, "weight": 50},
                   {"variant": {"variant_id": "new", "modelId": "anthropic/claude-haiku-4-5"}, "weight": 50}]},
                 "metrics": [{"name": "conversion", "kind": "boolean", "direction": "increase"},
                             {"name": "satisfaction", "kind": "float", "direction": "increase"},
                             {"name": "retained", "kind": "retention", "retention_days": 7}]}
                """.formatted(id);
    }
}
