package dev.switchyard.launcher;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.switchyard.events.Completion;
import dev.switchyard.schemas.Topics;
import dev.switchyard.schemas.kafka.KafkaSettings;
import dev.switchyard.schemas.serde.EventSerdes;
import dev.switchyard.testsupport.services.FreePorts;
import dev.switchyard.testsupport.services.ParentWatchdog;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code switchyard up} as a user runs it: a separate process that starts a real broker, registry and ClickHouse as
 * its own children, serves the seed router to the OpenAI SDK, reports its requests through the metrics stage, stops cleanly on Ctrl-C (SIGINT) leaving no process behind,
 * and, restarted on the same data folder, still has the router and can read every record written before (schema
 * ids stay valid because the registry keeps its schemas with Kafka's data).
 */
@Timeout(300)
class SwitchyardUpIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dataDir;
    private final List<Process> processes = new ArrayList<>();

    /** A running {@code switchyard up} with what its banner said. */
    private record Stack(Process process, String baseUrl, String bootstrap, String registry, Path log) {
    }

    @AfterEach
    void killLeftovers() {
        for (Process process : processes) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }

    private Stack up(int port) throws Exception {
        Path log = Files.createTempFile(dataDir.getParent(), "switchyard-up", ".log");
        List<String> command = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-cp", System.getProperty("java.class.path"),
                ParentWatchdog.class.getName(), Long.toString(ProcessHandle.current().pid()),
                SwitchyardMain.class.getName(), "up", "--port", Integer.toString(port),
                "--data-dir", dataDir.toString(), "--mock", "on", "--partitions", "2");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        processes.add(process);
        await(Duration.ofSeconds(120), () -> !process.isAlive() || read(log).contains("Switchyard is ready"), "the ready banner");
        String banner = read(log);
        assertThat(process.isAlive()).as("switchyard up is running; its log:\n" + banner).isTrue();
        return new Stack(process, "http://127.0.0.1:" + port, group(banner, "Kafka:\\s+(\\S+)"),
                group(banner, "Schema registry:\\s+(\\S+)"), log);
    }

    @Test
    void upServesTheSeedRouterStopsCleanlyAndKeepsItsDataAcrossRestarts() throws Exception {
        int port = FreePorts.find();
        Stack first = up(port);
        assertThat(get(first.baseUrl() + "/health").statusCode()).isEqualTo(200);

        String seed;
        try (InputStream in = getClass().getResourceAsStream("/seed-router.json")) {
            seed = new String(in.readAllBytes());
        }
        HttpResponse<String> created = post(first.baseUrl() + "/router/v1/routers", seed);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        String routerId = JSON.readTree(created.body()).get("id").asText();
        assertThat(JSON.readTree(created.body()).get("name").asText()).isEqualTo("routers/" + routerId);

        OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(first.baseUrl() + "/v1").apiKey("sk-anything").maxRetries(0).build();
        assertThat(chat(client, "router/" + routerId, Map.of("language", "es", "plan", "free"))).isEqualTo("gpt-5.2");
        assertThat(chat(client, "inworld/" + routerId, Map.of("plan", "free"))).isEqualTo("claude-haiku-4-5");
        assertThat(chat(client, "router/" + routerId, Map.of("language", "en"))).isEqualTo("claude-sonnet-4-6");
        assertThat(chat(client, "openai/gpt-5-mini", Map.of())).isEqualTo("gpt-5-mini");
        StringBuilder streamed = new StringBuilder();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model("router/" + routerId).addUserMessage("Hola").user("alice")
                        .putAdditionalBodyProperty("metadata", JsonValue.from(Map.of("language", "es"))).build())) {
            stream.stream().forEach(chunk -> chunk.choices().forEach(c -> c.delta().content().ifPresent(streamed::append)));
        }
        assertThat(streamed.toString()).startsWith("Hello from gpt-5.2.");
        client.close();
        int completionsBefore = readCompletions(first).size();
        assertThat(completionsBefore).isGreaterThanOrEqualTo(5);

        // The metrics stage (ClickHouse child + Kafka Streams) is part of /health and feeds the report.
        com.fasterxml.jackson.databind.JsonNode health = JSON.readTree(get(first.baseUrl() + "/health").body());
        assertThat(health.at("/checks/metrics-streams").asBoolean()).as(health.toString()).isTrue();
        assertThat(read(first.log())).contains("ClickHouse:").contains("/dashboard/");
        String report = first.baseUrl() + "/router/v1/routers/" + routerId + "/report?from=1h";
        await(Duration.ofSeconds(60), () -> reportRequests(report) >= 4, "the four router requests in the report");
        assertThat(get(first.baseUrl() + "/dashboard/").statusCode()).isEqualTo(200);

        // Ctrl-C: every process of the tree ends.
        List<ProcessHandle> tree = new ArrayList<>(first.process().descendants().toList());
        assertThat(tree).as("broker, registry and ClickHouse run as children").hasSizeGreaterThanOrEqualTo(3);
        ctrlC(first.process());
        boolean exited = first.process().waitFor(60, java.util.concurrent.TimeUnit.SECONDS);
        // The log lives in a temporary folder that is gone after the test: show where the stop got stuck.
        assertThat(exited).as(() -> "switchyard up still running 60 s after SIGINT; its log ends with:\n" + tail(first.log(), 80))
                .isTrue();
        await(Duration.ofSeconds(30), () -> tree.stream().noneMatch(ProcessHandle::isAlive), "every child process to end");
        assertThat(read(first.log())).contains("switchyard: stopping");

        // Same data folder: the router and every earlier record are still there and readable.
        Stack second = up(port);
        assertThat(get(second.baseUrl() + "/router/v1/routers/" + routerId).statusCode()).isEqualTo(200);
        OpenAIClient again = OpenAIOkHttpClient.builder().baseUrl(second.baseUrl() + "/v1").apiKey("sk-anything").maxRetries(0).build();
        assertThat(chat(again, "router/" + routerId, Map.of("plan", "free"))).isEqualTo("claude-haiku-4-5");
        again.close();
        assertThat(reportRequests(second.baseUrl() + "/router/v1/routers/" + routerId + "/report?from=1h"))
                .as("ClickHouse keeps its data in the data folder").isGreaterThanOrEqualTo(4);
        List<Completion> completions = readCompletions(second);
        assertThat(completions.size()).isGreaterThan(completionsBefore);
        assertThat(completions).allSatisfy(c -> assertThat(c.getRequestId()).isNotBlank());
        ctrlC(second.process());
        assertThat(second.process().waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    }

    /** Requests of every route in the router's report (0 while the report is not readable). */
    private static long reportRequests(String url) {
        try {
            HttpResponse<String> answer = get(url);
            if (answer.statusCode() != 200) {
                return 0;
            }
            long total = 0;
            for (com.fasterxml.jackson.databind.JsonNode route : JSON.readTree(answer.body()).get("routes")) {
                total += route.get("requests").asLong();
            }
            return total;
        } catch (Exception e) {
            return 0;
        }
    }

    private static String chat(OpenAIClient client, String model, Map<String, Object> metadata) {
        ChatCompletion completion = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model(model).addUserMessage("Hola").user("alice")
                .putAdditionalBodyProperty("metadata", JsonValue.from(metadata)).build());
        assertThat(completion.choices().get(0).message().content()).hasValueSatisfying(text -> assertThat(text).startsWith("Hello from " + completion.model()));
        return completion.model();
    }

    /** Every Completion on llm.completions from the beginning, decoded through this stack's registry. */
    private static List<Completion> readCompletions(Stack stack) {
        EventSerdes serdes = new EventSerdes(stack.registry());
        KafkaSettings kafka = new KafkaSettings(stack.bootstrap(), "up-it");
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(kafka.consumer(null, "reader"),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.COMPLETIONS).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            Map<String, Completion> byRequest = new HashMap<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    byRequest.put(record.key(), serdes.completions.deserialize(record.topic(), record.value()));
                }
            }
            return new ArrayList<>(byRequest.values());
        }
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(String url, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Sends what Ctrl-C sends. A test run started in the background by a shell without job control passes SIGINT on
     * as ignored, and the JVM honours that (no handler, no shutdown hooks): there, SIGTERM stands in (the same hooks).
     */
    private static void ctrlC(Process process) throws Exception {
        String signal = ignoresSigint(process.pid()) ? "-TERM" : "-INT";
        new ProcessBuilder("kill", signal, Long.toString(process.pid())).start().waitFor();
    }

    /** Whether the process ignores SIGINT (bit 2 of the SigIgn mask in /proc/PID/status; no /proc: assume not). */
    private static boolean ignoresSigint(long pid) throws java.io.IOException {
        Path status = Path.of("/proc", Long.toString(pid), "status");
        if (!Files.exists(status)) {
            return false;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("SigIgn:")) {
                return (Long.parseUnsignedLong(line.substring("SigIgn:".length()).trim(), 16) & 0x2) != 0;
            }
        }
        return false;
    }

    private static String tail(Path file, int lines) {
        List<String> all = read(file).lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (Exception e) {
            return "";
        }
    }

    private static String group(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertThat(m.find()).as(regex + " in\n" + text).isTrue();
        return m.group(1);
    }

    private static void await(Duration timeout, BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(100); // polling a condition, not synchronising on time
        }
    }
}
