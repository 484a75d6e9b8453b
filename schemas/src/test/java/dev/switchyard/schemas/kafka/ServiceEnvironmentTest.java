package dev.switchyard.schemas.kafka;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ServiceEnvironmentTest {

    @Test
    void argumentsOverrideTheEnvironmentByTheirUpperCaseName() {
        ServiceEnvironment env = ServiceEnvironment.of(new String[]{
                "--kafka-bootstrap-servers=10.0.0.1:9093", "--switchyard-reply-hold-ms=2", "positional", "--flag"});

        assertThat(env.bootstrapServers()).isEqualTo("10.0.0.1:9093");
        assertThat(env.millis("SWITCHYARD_REPLY_HOLD_MS")).isEqualTo(Duration.ofMillis(2));
        assertThat(env.asMap()).doesNotContainKeys("POSITIONAL", "FLAG");
    }

    @Test
    void blankIsUnsetAndDefaultsApply() {
        ServiceEnvironment env = new ServiceEnvironment(Map.of("SWITCHYARD_PORT", " ", "SWITCHYARD_HOST", " 0.0.0.0 ",
                "SWITCHYARD_DRAIN_TIMEOUT_SECONDS", "3"));

        assertThat(env.bootstrapServers()).isEqualTo(ServiceEnvironment.DEFAULT_BOOTSTRAP_SERVERS);
        assertThat(env.getInt("SWITCHYARD_PORT", 8080)).isEqualTo(8080);
        assertThat(env.get("SWITCHYARD_HOST")).isEqualTo("0.0.0.0");
        assertThat(env.millis("SWITCHYARD_UPSTREAM_IDLE_TIMEOUT_MS")).isNull();
        assertThat(env.seconds("SWITCHYARD_DRAIN_TIMEOUT_SECONDS", Duration.ofSeconds(10))).isEqualTo(Duration.ofSeconds(3));
        assertThat(env.seconds("SWITCHYARD_REQUEST_TIMEOUT_SECONDS", Duration.ofSeconds(600))).isEqualTo(Duration.ofSeconds(600));
    }
}
