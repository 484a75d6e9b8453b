package dev.switchyard.testsupport.services;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(60)
class ClickHouseServerIT {

    @Test
    void startsOnAFreeLoopbackPortAnswersSqlAndStopsWithoutLeavingAProcess() throws Exception {
        ClickHouseServer server = ClickHouseServer.builder().start();
        List<ProcessHandle> processes;
        try {
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(server.httpUrl() + "/"))
                    .POST(HttpRequest.BodyPublishers.ofString("SELECT 40 + 2")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(answer.body().trim()).isEqualTo("42");
            assertThat(server.httpUrl()).startsWith("http://127.0.0.1:");
            processes = ProcessHandle.current().descendants()
                    .filter(p -> p.info().command().map(c -> c.endsWith("clickhouse-server") || c.endsWith("clickhouse")).orElse(false))
                    .toList();
            assertThat(processes).isNotEmpty();
        } finally {
            server.stop();
        }
        assertThat(processes).noneMatch(ProcessHandle::isAlive);
        assertThat(server.isRunning()).isFalse();
        assertThat(server.dataDir()).doesNotExist();
        assertThatThrownBy(() -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.httpUrl() + "/?query=SELECT%201")).build(),
                HttpResponse.BodyHandlers.ofString())).isInstanceOf(java.io.IOException.class);
    }
}
