package dev.switchyard.ingress.experiments;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The dashboard's static files (plain HTML, CSS and JavaScript with hand-drawn SVG charts: no CDN, no build step),
 * read from the class path once at start-up and served from memory under {@code /dashboard/}. The page talks only
 * to this ingress's own API (same origin).
 */
final class DashboardAssets {
    static final String RESOURCE_DIR = "/dev/switchyard/ingress/dashboard/";
    private static final Map<String, String> TYPES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "app.js", "text/javascript; charset=utf-8",
            "charts.js", "text/javascript; charset=utf-8",
            "style.css", "text/css; charset=utf-8");

    private final Map<String, Buffer> files = new LinkedHashMap<>();

    DashboardAssets() {
        for (String name : TYPES.keySet()) {
            try (InputStream in = DashboardAssets.class.getResourceAsStream(RESOURCE_DIR + name)) {
                if (in == null) {
                    throw new IllegalStateException("dashboard asset missing from the build: " + RESOURCE_DIR + name);
                }
                files.put(name, Buffer.buffer(in.readAllBytes()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /**
     * {@code /dashboard} redirects to {@code /dashboard/} (so the page's relative links resolve); {@code /dashboard/}
     * is the page, {@code /dashboard/<file>} its files; anything else falls through to the router's 404.
     */
    void handle(RoutingContext ctx) {
        String path = ctx.request().path();
        if (path.equals("/dashboard")) {
            String query = ctx.request().query();
            ctx.response().setStatusCode(302).putHeader("location", "/dashboard/" + (query == null ? "" : "?" + query)).end();
            return;
        }
        String name = path.substring(path.lastIndexOf('/') + 1);
        if (name.isEmpty()) {
            name = "index.html";
        }
        Buffer file = files.get(name);
        if (file == null) {
            ctx.next();
            return;
        }
        ctx.response().putHeader("content-type", TYPES.get(name)).putHeader("cache-control", "no-cache")
                .putHeader("x-content-type-options", "nosniff").end(file);
    }
}
