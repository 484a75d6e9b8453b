package dev.switchyard.core.catalog;

/**
 * What a client's model name resolved to: a router ({@code model} is {@code router/<id>} or {@code inworld/<id>},
 * {@code catalogModel} null) or a catalog model ({@code model} is its {@code provider/model} id).
 */
public record ResolvedName(String model, CatalogModel catalogModel) {
    private static final String[] ROUTER_PREFIXES = {"router/", "inworld/"};

    public static ResolvedName router(String routerModel) {
        return new ResolvedName(routerModel, null);
    }

    public static ResolvedName model(CatalogModel model) {
        return new ResolvedName(model.id(), model);
    }

    public boolean isRouter() {
        return catalogModel == null;
    }

    /** {@code router/<id>} or {@code inworld/<id>}: the prefixes a client names a router with. */
    public static boolean namesRouter(String name) {
        for (String prefix : ROUTER_PREFIXES) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
