package dev.switchyard.engine.routing;

import dev.switchyard.events.Dispatch;
import dev.switchyard.events.ReplyError;

/** What the engine does with a request. */
public sealed interface RoutingDecision {

    /** Routed: publish the dispatch. */
    record Routed(Dispatch dispatch) implements RoutingDecision {
    }

    /** Cannot be routed: answer the client with this error. */
    record Rejected(ReplyError error) implements RoutingDecision {
    }

    /** Names a router this instance has not seen (yet): wait for it, briefly. */
    record AwaitingRouter(String routerId) implements RoutingDecision {
    }
}
