package dev.switchyard.schemas.serde;

import dev.switchyard.events.ChatRequest;
import dev.switchyard.events.Completion;
import dev.switchyard.events.Control;
import dev.switchyard.events.Dispatch;
import dev.switchyard.events.Feedback;
import dev.switchyard.events.ProviderHealth;
import dev.switchyard.events.ReplyChunk;
import dev.switchyard.events.RouterConfig;
import dev.switchyard.schemas.Topics;
import dev.switchyard.schemas.registry.SchemaRegistryClient;

/** One serde per event type, sharing one registry client (and so one cache) per process. */
public final class EventSerdes {
    public final SchemaRegistryClient registry;
    public final AvroSerde<ChatRequest> requests;
    public final AvroSerde<Dispatch> dispatch;
    public final AvroSerde<ReplyChunk> replies;
    public final AvroSerde<Control> control;
    public final AvroSerde<Completion> completions;
    public final AvroSerde<Feedback> feedback;
    public final AvroSerde<ProviderHealth> providerHealth;
    public final AvroSerde<RouterConfig> routerConfigs;

    public EventSerdes(SchemaRegistryClient registry) {
        this.registry = registry;
        this.requests = new AvroSerde<>(ChatRequest.class, registry);
        this.dispatch = new AvroSerde<>(Dispatch.class, registry);
        this.replies = new AvroSerde<>(ReplyChunk.class, registry);
        this.control = new AvroSerde<>(Control.class, registry);
        this.completions = new AvroSerde<>(Completion.class, registry);
        this.feedback = new AvroSerde<>(Feedback.class, registry);
        this.providerHealth = new AvroSerde<>(ProviderHealth.class, registry);
        this.routerConfigs = new AvroSerde<>(RouterConfig.class, registry);
    }

    public EventSerdes(String registryUrl) {
        this(new SchemaRegistryClient(registryUrl));
    }

    /** Registers every value schema under its topic's subject: done once at start-up so a broken registry fails fast. */
    public void registerAll() {
        requests.registerFor(Topics.REQUESTS);
        dispatch.registerFor(Topics.DISPATCH);
        replies.registerFor(Topics.REPLIES);
        control.registerFor(Topics.CONTROL);
        completions.registerFor(Topics.COMPLETIONS);
        feedback.registerFor(Topics.FEEDBACK);
        providerHealth.registerFor(Topics.PROVIDER_HEALTH);
        routerConfigs.registerFor(Topics.ROUTER_CONFIGS);
        routerConfigs.registerFor(Topics.ROUTER_VERSIONS);
    }
}
