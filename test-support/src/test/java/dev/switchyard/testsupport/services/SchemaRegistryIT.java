package dev.switchyard.testsupport.services;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class SchemaRegistryIT {
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static final String SCHEMA = "{\"type\":\"record\",\"name\":\"Greeting\",\"namespace\":\"dev.switchyard.test\","
            + "\"fields\":[{\"name\":\"text\",\"type\":\"string\"}]}";

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void schemaIdsSurviveARestart(@TempDir Path dir) throws Exception {
        SchemaRegistry registry = SchemaRegistry.builder().dataDir(dir).build();
        try {
            registry.start();
            System.out.println("Schema registry started in " + registry.lastStartTime().toMillis() + " ms");
            assertThat(registry.url()).isEqualTo("http://127.0.0.1:" + registry.port() + "/apis/ccompat/v7");

            HttpResponse<String> r = register(registry, "greetings-value");
            assertThat(r.statusCode()).isEqualTo(200);
            int id = id(r.body());

            registry.restart();
            System.out.println("Schema registry restarted in " + registry.lastStartTime().toMillis() + " ms");

            HttpResponse<String> got = HTTP.send(HttpRequest.newBuilder(URI.create(registry.url() + "/schemas/ids/"
                    + id)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(got.statusCode()).isEqualTo(200);
            assertThat(got.body()).contains("Greeting").contains("dev.switchyard.test");
            assertThat(id(register(registry, "greetings-value").body())).isEqualTo(id);
        } finally {
            registry.close();
        }
        assertThat(registry.isRunning()).isFalse();
    }

    static HttpResponse<String> register(SchemaRegistry registry, String subject) throws Exception {
        String body = "{\"schema\":" + quote(SCHEMA) + "}";
        return HTTP.send(HttpRequest.newBuilder(URI.create(registry.url() + "/subjects/" + subject + "/versions"))
                .header("content-type", "application/vnd.schemaregistry.v1+json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static int id(String json) {
        Matcher m = Pattern.compile("\"id\"\\s*:\\s*(\\d+)").matcher(json);
        assertThat(m.find()).as(json).isTrue();
        return Integer.parseInt(m.group(1));
    }

    static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
