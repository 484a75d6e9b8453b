package dev.switchyard.ingress.chat;

import dev.switchyard.ingress.http.ApiException;
import dev.switchyard.ingress.http.Json;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RoutingMetadataTest {

    @Test
    void bodyValuesWinOverHeadersAndKeepTheirTypes() {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap()
                .add("X-Switchyard-Metadata-Language", "en")
                .add("x-switchyard-metadata-country", "ES")
                .add("x-switchyard-other", "ignored");
        Map<String, Object> metadata = RoutingMetadata.merge(Json.parse(Buffer.buffer(
                "{\"language\":\"es\",\"vip\":true,\"age\":42,\"score\":0.75,\"none\":null,"
                        + "\"tags\":[\"a\",\"b\"],\"profile\":{\"plan\":\"free\"}}")), headers, "metadata");

        assertThat(metadata).containsEntry("language", "es")   // body wins
                .containsEntry("country", "ES")                   // header only, key lower-cased
                .containsEntry("vip", true)
                .containsEntry("age", 42L)
                .containsEntry("score", 0.75)
                .containsEntry("none", null)
                .containsEntry("tags", "[\"a\",\"b\"]")
                .containsEntry("profile", "{\"plan\":\"free\"}")
                .doesNotContainKey("other");
        assertThat(metadata.get("age")).isInstanceOf(Long.class);
        assertThat(metadata.get("score")).isInstanceOf(Double.class);
    }

    @Test
    void headersAloneAreStrings() {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("x-switchyard-metadata-tier", "42");
        assertThat(RoutingMetadata.merge(null, headers, "metadata")).containsExactly(Map.entry("tier", "42"));
    }

    @Test
    void aMetadataThatIsNotAnObjectIsRejected() {
        assertThatThrownBy(() -> RoutingMetadata.merge(Json.parse(Buffer.buffer("\"x\"")), MultiMap.caseInsensitiveMultiMap(), "metadata"))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.param()).isEqualTo("metadata");
                });
    }
}
