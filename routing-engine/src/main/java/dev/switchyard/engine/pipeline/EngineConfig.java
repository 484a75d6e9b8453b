package dev.switchyard.engine.pipeline;

import java.time.Duration;

/**
 * @param instanceId  names this instance in client ids and logs
 * @param groupId     consumer group of llm.requests shared by every engine instance
 * @param routerWait  how long a request naming an unknown router waits for it to appear before a 404
 */
public record EngineConfig(String instanceId, String groupId, Duration routerWait) {

    public static EngineConfig defaults(String instanceId) {
        return new EngineConfig(instanceId, "switchyard-routing-engine", Duration.ofSeconds(2));
    }
}
