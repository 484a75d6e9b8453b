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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The models Switchyard can route to, with their upstream names, API kind, context window, capabilities and prices.
 * Loaded from the catalogs shipped in this jar ({@code catalog/presets.json}: well-known models of the OpenAI-compatible
 * presets, price unknown; then {@code catalog/models.json}, generated from a public price list by
 * {@code tools/import-model-prices.py}, which wins on a shared id) and extended or overridden by operator files in the
 * same format: an entry with a known id replaces it, a new id (a self-hosted model, say) becomes routable.
 *
 * <p>Names resolve ({@link #resolve(String)}) the way coding tools send them: an operator alias first (a file's
 * top-level {@code "aliases": {"name": "provider/model" | "router/<id>", "*": "router/default"}}), then a catalog id or
 * alias, then the same name without a date or {@code -latest} suffix ({@code claude-sonnet-4-5-20250929} →
 * {@code claude-sonnet-4-5} when only the undated one is listed), then the operator's {@code "*"} alias.
 */
public final class ModelCatalog {
    private static final String BUILT_IN = "/catalog/models.json";
    private static final String PRESETS = "/catalog/presets.json";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A trailing release date ({@code -20250929}, {@code -2025-09-29}) or {@code -latest}. */
    private static final Pattern DATED = Pattern.compile("^(.+?)(?:-\\d{8}|-\\d{4}-\\d{2}-\\d{2}|-latest)$");

    private final Map<String, CatalogModel> byId;
    private final Map<String, CatalogModel> byAlias;
    private final Map<String, String> operatorAliases;

    private ModelCatalog(Collection<CatalogModel> models) {
        this(models, Map.of());
    }

    private ModelCatalog(Collection<CatalogModel> models, Map<String, String> operatorAliases) {
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
        this.operatorAliases = Map.copyOf(operatorAliases);
    }

    /** The built-in catalog, extended by each operator file in order. */
    public static ModelCatalog load(List<Path> operatorFiles) {
        List<CatalogModel> models = new ArrayList<>();
        Map<String, String> aliases = new LinkedHashMap<>();
        for (String resource : List.of(PRESETS, BUILT_IN)) { // the priced list wins over a preset on a shared id
            try (InputStream in = ModelCatalog.class.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("built-in catalog " + resource + " missing from the classpath");
                }
                JsonNode root = JSON.readTree(in);
                models.addAll(parse(root, resource));
                aliases.putAll(aliases(root, resource));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the built-in model catalog " + resource, e);
            }
        }
        for (Path file : operatorFiles) {
            try {
                JsonNode root = JSON.readTree(Files.readString(file));
                models.addAll(parse(root, file.toString()));
                aliases.putAll(aliases(root, file.toString()));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read model catalog file " + file + ": " + e.getMessage(), e);
            }
        }
        return new ModelCatalog(models, aliases);
    }

    /**
     * The built-in catalog extended by the operator files named in {@code files} (the {@code SWITCHYARD_CATALOG}
     * setting: separated by ',' or ':'; null: none).
     */
    public static ModelCatalog fromFiles(String files) {
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

    /** The operator's aliases (name → {@code provider/model}, a catalog alias or {@code router/<id>}; {@code "*"} = any unknown name). */
    public Map<String, String> operatorAliases() {
        return operatorAliases;
    }

    /**
     * What a client's model name means: a router ({@code router/<id>}, {@code inworld/<id>}, or an operator alias to
     * one) or a catalog model (by operator alias, id, alias, or the name without its date / {@code -latest} suffix);
     * unknown names go to the operator's {@code "*"} alias when there is one. Empty when nothing matches.
     */
    public Optional<ResolvedName> resolve(String name) {
        if (name == null || name.isBlank()) {
            return Optional.empty();
        }
        if (ResolvedName.namesRouter(name)) {
            return Optional.of(ResolvedName.router(name));
        }
        String target = operatorAliases.get(name);
        if (target != null) {
            return resolveTarget(target, name);
        }
        Optional<CatalogModel> model = findLenient(name);
        if (model.isPresent()) {
            return Optional.of(ResolvedName.model(model.get()));
        }
        String fallback = operatorAliases.get("*");
        return fallback == null ? Optional.empty() : resolveTarget(fallback, name);
    }

    /**
     * The catalog model a name in a configuration stands for (a router's variant, a fallback list): an operator alias
     * to a model, an id or alias, or the name without its date suffix, as {@link #resolve} reads a request's model;
     * but never through the operator's {@code "*"} alias, so that a typo in a router is refused rather than routed to
     * the default. Empty for routers and unknown names.
     */
    public Optional<CatalogModel> findConfigured(String name) {
        if (name == null || name.isBlank() || ResolvedName.namesRouter(name)) {
            return Optional.empty();
        }
        String target = operatorAliases.get(name);
        if (target != null) {
            return ResolvedName.namesRouter(target) ? Optional.empty() : findLenient(target);
        }
        return findLenient(name);
    }

    /** An exact id or alias, else the same name (or its part after {@code provider/}) without a date suffix. */
    private Optional<CatalogModel> findLenient(String name) {
        Optional<CatalogModel> exact = find(name);
        if (exact.isPresent()) {
            return exact;
        }
        Matcher dated = DATED.matcher(name);
        if (dated.matches()) {
            Optional<CatalogModel> undated = find(dated.group(1));
            if (undated.isPresent()) {
                return undated;
            }
        }
        return Optional.empty();
    }

    private Optional<ResolvedName> resolveTarget(String target, String name) {
        if (ResolvedName.namesRouter(target)) {
            return Optional.of(ResolvedName.router(target));
        }
        Optional<CatalogModel> model = findLenient(target);
        if (model.isEmpty()) {
            throw new IllegalStateException("model alias '" + name + "' points at '" + target + "', which is neither a router nor a catalog model");
        }
        return Optional.of(ResolvedName.model(model.get()));
    }

    private static List<CatalogModel> parse(JsonNode root, String source) {
        JsonNode entries = root.isArray() ? root : root.path("models");
        if (entries.isMissingNode() && root.has("aliases")) {
            return List.of(); // a file of aliases only
        }
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

    private static Map<String, String> aliases(JsonNode root, String source) {
        JsonNode node = root.isObject() ? root.get("aliases") : null;
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException(source + ": \"aliases\" must be an object of name -> provider/model or router/<id>");
        }
        Map<String, String> aliases = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> {
            if (!e.getValue().isTextual() || e.getValue().asText().isBlank()) {
                throw new IllegalArgumentException(source + ": alias '" + e.getKey() + "' must name a model or router/<id>");
            }
            aliases.put(e.getKey(), e.getValue().asText());
        });
        return aliases;
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
