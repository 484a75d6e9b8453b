package dev.switchyard.core.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The models Switchyard can route to, with their upstream names, API kind, context window, capabilities and prices.
 * Loaded from the catalog shipped in this jar ({@code catalog/models.json}, generated from a public price list by
 * {@code tools/import-model-prices.py}) and extended or overridden by operator files in the same format: an entry
 * with a known id replaces it, a new id (a self-hosted model, say) becomes routable.
 */
public final class ModelCatalog {
    private static final String BUILT_IN = "/catalog/models.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, CatalogModel> byId;
    private final Map<String, CatalogModel> byAlias;

    private ModelCatalog(Collection<CatalogModel> models) {
        Map<String, CatalogModel> ids = new LinkedHashMap<>();
        for (CatalogModel model : models) {
            ids.put(model.id(), model);
        }
        Map<String, CatalogModel> aliases = new HashMap<>();
        for (CatalogModel model : ids.values()) {
            for (String alias : model.aliases()) {
                aliases.putIfAbsent(alias, model); // first provider to claim a bare name keeps it
            }
        }
        this.byId = Map.copyOf(ids);
        this.byAlias = Map.copyOf(aliases);
    }

    /** The built-in catalog, extended by each operator file in order. */
    public static ModelCatalog load(List<Path> operatorFiles) {
        List<CatalogModel> models = new ArrayList<>();
        try (InputStream in = ModelCatalog.class.getResourceAsStream(BUILT_IN)) {
            if (in == null) {
                throw new IllegalStateException("built-in catalog " + BUILT_IN + " missing from the classpath");
            }
            models.addAll(parse(JSON.readTree(in), BUILT_IN));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the built-in model catalog", e);
        }
        for (Path file : operatorFiles) {
            try {
                models.addAll(parse(JSON.readTree(Files.readString(file)), file.toString()));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read model catalog file " + file + ": " + e.getMessage(), e);
            }
        }
        return new ModelCatalog(models);
    }

    /** The built-in catalog extended by the files named in {@code SWITCHYARD_CATALOG} (separated by ',' or ':'). */
    public static ModelCatalog fromEnvironment() {
        String files = System.getenv("SWITCHYARD_CATALOG");
        List<Path> paths = new ArrayList<>();
        if (files != null) {
            for (String file : files.split("[,:]")) {
                if (!file.isBlank()) {
                    paths.add(Path.of(file.trim()));
                }
            }
        }
        return load(paths);
    }

    public static ModelCatalog builtIn() {
        return load(List.of());
    }

    /** Resolves a {@code provider/model} id, or a bare name or alias such as {@code gpt-5.2}. */
    public Optional<CatalogModel> find(String nameOrId) {
        if (nameOrId == null) {
            return Optional.empty();
        }
        CatalogModel model = byId.get(nameOrId);
        return Optional.ofNullable(model != null ? model : byAlias.get(nameOrId));
    }

    public Collection<CatalogModel> all() {
        return byId.values();
    }

    private static List<CatalogModel> parse(JsonNode root, String source) {
        JsonNode entries = root.isArray() ? root : root.path("models");
        if (!entries.isArray()) {
            throw new IllegalArgumentException(source + ": expected {\"models\": [...]} or an array of models");
        }
        List<CatalogModel> models = new ArrayList<>();
        for (JsonNode entry : entries) {
            String id = text(entry, "id");
            if (id == null || !id.contains("/")) {
                throw new IllegalArgumentException(source + ": every model needs an id of the form provider/model, got " + entry);
            }
            String provider = Optional.ofNullable(text(entry, "provider")).orElse(id.substring(0, id.indexOf('/')));
            String upstream = Optional.ofNullable(text(entry, "upstream")).orElse(id.substring(id.indexOf('/') + 1));
            ApiKind api = entry.hasNonNull("api") ? ApiKind.fromWireName(entry.get("api").asText())
                    : provider.equals("anthropic") ? ApiKind.ANTHROPIC_MESSAGES : ApiKind.OPENAI_CHAT;
            LinkedHashSet<String> capabilities = new LinkedHashSet<>();
            entry.path("capabilities").forEach(c -> capabilities.add(c.asText()));
            List<String> aliases = new ArrayList<>();
            entry.path("aliases").forEach(a -> aliases.add(a.asText()));
            models.add(new CatalogModel(id, provider, upstream, api, integer(entry, "context_window"),
                    integer(entry, "max_output"), Set.copyOf(capabilities), price(entry.get("price")), List.copyOf(aliases)));
        }
        return models;
    }

    private static Price price(JsonNode node) {
        if (node == null || node.isNull() || !node.hasNonNull("input") || !node.hasNonNull("output")) {
            return null;
        }
        return new Price(node.get("input").asDouble(), node.get("output").asDouble(),
                node.hasNonNull("cache_read") ? node.get("cache_read").asDouble() : null,
                node.hasNonNull("cache_write") ? node.get("cache_write").asDouble() : null);
    }

    private static String text(JsonNode node, String field) {
        return node.hasNonNull(field) ? node.get(field).asText() : null;
    }

    private static Integer integer(JsonNode node, String field) {
        return node.hasNonNull(field) ? node.get(field).asInt() : null;
    }
}
