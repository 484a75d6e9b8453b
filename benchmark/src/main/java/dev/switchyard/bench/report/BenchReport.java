package dev.switchyard.bench.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.switchyard.bench.async.AsyncThroughput;
import dev.switchyard.bench.kafka.ReplyHopExperiment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/** Everything one run measured: the machine, the command, each step and the async result; as Markdown and JSON. */
public final class BenchReport {
    public final Map<String, Object> machine;
    public final String command;
    public final List<String> shapes = new ArrayList<>();
    public final List<StepResult> steps = new ArrayList<>();
    public final List<AsyncThroughput.Result> async = new ArrayList<>();
    public final List<ReplyHopExperiment.Result> kafkaWhatIf = new ArrayList<>();
    /**
     * CPU cores each process group uses with no load (consumers polling, timers), measured 2 s after the stack started:
     * start-up work (JIT, first rebalances, migrations) still shows here.
     */
    public Map<String, Double> idleCpuCores = Map.of();
    /** The same once every step has run (its {@code jit} entry says how much is still compilation after short runs). */
    public Map<String, Double> idleCpuCoresAfter = Map.of();

    public BenchReport(Map<String, Object> machine, String command) {
        this.machine = machine;
        this.command = command;
    }

    public void writeJson(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), this);
    }

    public String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("Machine: ").append(machine).append("\n\nCommand: `").append(command).append("`\n\n");
        shapes.forEach(s -> md.append("- shape ").append(s).append('\n'));
        md.append("- idle CPU (cores, no load) just after start: ").append(idleCpuCores).append('\n');
        if (!idleCpuCoresAfter.isEmpty()) {
            md.append("- idle CPU (cores, no load) after the steps: ").append(idleCpuCoresAfter).append('\n');
        }
        if (!steps.isEmpty()) {
            md.append("\nLatency in ms from each request's scheduled send (open loop, coordinated omission corrected). "
                    + "TTFT = first content chunk (non-streaming: the whole answer). chunk late = a content chunk's "
                    + "arrival after the mock's own schedule for it (TTFT + k x inter-token).\n\n");
            md.append(latencyTable()).append('\n');
            md.append("Added latency over the direct call at the same shape, mode and rate (ms, target minus direct):\n\n");
            md.append(addedTable()).append('\n');
            md.append("CPU ms per successful request (gateway = Switchyard JVM + Kafka broker, or the peer's process; of it JIT = "
                    + "their JIT compiler threads, warm-up a long-running router pays once; children = "
                    + "processes the Switchyard JVM started itself, i.e. ClickHouse for its metrics stage); "
                    + "other = CPU seconds the rest of the machine used during the step; machine busy = the share of all "
                    + "cores in use during the step (near 100 %, the gateway's ms/req is the room the mock and the load "
                    + "generator leave divided by the rate, not what a request needs); RSS in MiB at the step's end:\n\n");
            md.append(cpuTable()).append('\n');
            if (steps.stream().anyMatch(st -> !st.coreWaitMicrosPerRun().isEmpty())) {
                md.append("Waiting for a core: microseconds a thread of each process waited, runnable, each time it got a "
                        + "core during the step (Linux's schedstat, every thread). Tens on a machine with room, hundreds "
                        + "on a full one (JIT compilers included): every thread a token crosses (event loops, Kafka's "
                        + "clients and broker) waits about this long, on average, before it can handle it:\n\n");
                md.append(coreWaitTable()).append('\n');
            }
            if (steps.stream().anyMatch(st -> !st.kafkaRecordsPerAnswer().isEmpty())) {
                md.append("Kafka records appended per successful request in Switchyard's steps (metrics stage = its "
                        + "repartition, changelog and window topics; __ = consumer offsets and transaction markers; "
                        + "its 1 s commits move a few records of one step into the next):\n\n");
                md.append(kafkaRecordsTable()).append('\n');
            }
            if (steps.stream().anyMatch(st -> !st.kafkaRequestsPerAnswer().isEmpty())) {
                md.append("Kafka requests the broker served per successful request in Switchyard's steps (its own request "
                        + "metrics over JMX; the broker's CPU follows these, not records; Fetch includes the metrics stage's "
                        + "lazy fetches; other = every other kind: offset commits, heartbeats, metadata, the metrics stage's "
                        + "transactions):\n\n");
                md.append(kafkaRequestsTable()).append('\n');
            }
        }
        if (!async.isEmpty()) {
            md.append("Async throughput (ChatRequest produced onto llm.requests, Completion counted off llm.completions):\n\n");
            md.append(asyncTable()).append('\n');
        }
        if (!kafkaWhatIf.isEmpty()) {
            md.append("One reply hop (producer -> broker -> consumer, 150 B records, 6 partitions) under client settings: "
                    + "latency in ms, CPU in microseconds per record:\n\n");
            md.append(whatIfTable()).append('\n');
        }
        return md.toString();
    }

    private String whatIfTable() {
        Table t = new Table("setting", "records/s", "latency p50", "p90", "p99", "max", "clients CPU us/rec",
                "broker CPU us/rec", "produce requests/s");
        for (ReplyHopExperiment.Result r : kafkaWhatIf) {
            t.row(r.setting(), num(r.rate()), p(r.latency(), 50), p(r.latency(), 90), p(r.latency(), 99),
                    p(r.latency(), 100), num(r.clientsCpuUsPerRecord()), num(r.brokerCpuUsPerRecord()),
                    num(r.produceRequestsPerSecond()));
        }
        return t.render();
    }

    private String latencyTable() {
        Table t = new Table("shape", "stream", "rate", "target", "achieved rps", "ok", "err",
                "TTFT p50", "p90", "p99", "max", "total p50", "p90", "p99", "max", "chunk late p50", "p99", "gap p99");
        for (StepResult s : steps) {
            t.row(s.shape(), s.stream() ? "yes" : "no", num(s.rate()), s.target(), num(s.achievedRps()),
                    Long.toString(s.ok()), errors(s), p(s.ttft(), 50), p(s.ttft(), 90), p(s.ttft(), 99), p(s.ttft(), 100),
                    p(s.total(), 50), p(s.total(), 90), p(s.total(), 99), p(s.total(), 100),
                    p(s.chunkLateness(), 50), p(s.chunkLateness(), 99), p(s.chunkGap(), 99));
        }
        return t.render();
    }

    private String addedTable() {
        Table t = new Table("shape", "stream", "rate", "target", "TTFT +p50", "+p90", "+p99", "+max", "total +p50",
                "+p90", "+p99", "+max", "chunk late +p50", "+p99");
        for (StepResult s : steps) {
            if (s.target().equals("direct")) {
                continue;
            }
            StepResult d = direct(s);
            if (d == null) {
                continue;
            }
            Percentiles ttft = s.ttft() == null ? null : s.ttft().minus(d.ttft());
            Percentiles total = s.total() == null ? null : s.total().minus(d.total());
            Percentiles late = s.chunkLateness() == null ? null : s.chunkLateness().minus(d.chunkLateness());
            t.row(s.shape(), s.stream() ? "yes" : "no", num(s.rate()), s.target(), p(ttft, 50), p(ttft, 90),
                    p(ttft, 99), p(ttft, 100), p(total, 50), p(total, 90), p(total, 99), p(total, 100), p(late, 50),
                    p(late, 99));
        }
        return t.render();
    }

    private String cpuTable() {
        Table t = new Table("shape", "stream", "rate", "target", "gateway ms/req", "of it JIT", "switchyard", "kafka", "children",
                "mock", "loadgen", "peer", "other s", "machine busy", "RSS switchyard", "kafka", "children", "mock", "loadgen",
                "peer", "load avg");
        int cores = Runtime.getRuntime().availableProcessors();
        for (StepResult s : steps) {
            Map<String, Double> c = s.cpuMsPerRequest();
            Map<String, Double> r = s.rssMiB();
            String peer = peerGroup(c);
            t.row(s.shape(), s.stream() ? "yes" : "no", num(s.rate()), s.target(),
                    s.gatewayCpuMsPerRequest() == null ? "-" : num(s.gatewayCpuMsPerRequest()),
                    s.target().equals("switchyard") ? num(c.get("jit")) : "-", num(c.get("switchyard")),
                    num(c.get("kafka")), num(c.get("children")), num(c.get("mock")), num(c.get("loadgen")),
                    peer == null ? "-" : num(c.get(peer)), num(s.cpuSeconds().get("other")), percent(s.machineBusyShare(cores)),
                    num(r.get("switchyard")), num(r.get("kafka")), num(r.get("children")), num(r.get("mock")),
                    num(r.get("loadgen")), peer == null ? "-" : num(r.get(peer)), num(s.loadAverage()));
        }
        return t.render();
    }

    private String coreWaitTable() {
        Table t = new Table("shape", "stream", "rate", "target", "switchyard", "kafka", "mock", "loadgen", "peer");
        for (StepResult s : steps) {
            Map<String, Double> w = s.coreWaitMicrosPerRun();
            String peer = peerGroup(w);
            t.row(s.shape(), s.stream() ? "yes" : "no", num(s.rate()), s.target(), num(w.get("switchyard")),
                    num(w.get("kafka")), num(w.get("mock")), num(w.get("loadgen")), peer == null ? "-" : num(w.get(peer)));
        }
        return t.render();
    }

    private String kafkaRecordsTable() {
        List<String> named = List.of("llm.requests", "llm.dispatch", "llm.replies", "llm.completions");
        Table t = new Table("shape", "stream", "rate", "total", "llm.requests", "llm.dispatch", "llm.replies",
                "llm.completions", "metrics stage", "__", "other");
        for (StepResult s : steps) {
            Map<String, Double> k = s.kafkaRecordsPerAnswer();
            if (k.isEmpty()) {
                continue;
            }
            double total = 0, metrics = 0, internal = 0, other = 0;
            for (Map.Entry<String, Double> e : k.entrySet()) {
                total += e.getValue();
                if (named.contains(e.getKey())) {
                    continue;
                }
                if (e.getKey().startsWith("__")) {
                    internal += e.getValue();
                } else if (e.getKey().contains("metrics")) {
                    metrics += e.getValue();
                } else {
                    other += e.getValue();
                }
            }
            t.row(s.shape(), s.stream() ? "yes" : "no", num(s.rate()), num(total), num(k.get("llm.requests")),
                    num(k.get("llm.dispatch")), num(k.get("llm.replies")), num(k.get("llm.completions")), num(metrics),
                    num(internal), num(other));
        }
        return t.render();
    }

    private String kafkaRequestsTable() {
        Table t = new Table("shape", "stream", "rate", "total", "Produce", "Fetch", "other");
        for (StepResult s : steps) {
            Map<String, Double> k = s.kafkaRequestsPerAnswer();
            if (k.isEmpty()) {
                continue;
            }
            double total = k.values().stream().mapToDouble(Double::doubleValue).sum();
            double produce = k.getOrDefault("Produce", 0.0);
            // FetchConsumer counts the consumers' fetches again inside Fetch (followers' would be FetchFollower).
            double fetch = k.getOrDefault("Fetch", 0.0);
            total -= k.getOrDefault("FetchConsumer", 0.0);
            t.row(s.shape(), s.stream() ? "yes" : "no", num(s.rate()), num(total), num(produce), num(fetch),
                    num(total - produce - fetch));
        }
        return t.render();
    }

    private static String peerGroup(Map<String, Double> groups) {
        for (String g : groups.keySet()) {
            if (!List.of("switchyard", "kafka", "children", "registry", "mock", "loadgen", "other", "jit").contains(g)) {
                return g;
            }
        }
        return null;
    }

    private String asyncTable() {
        Table t = new Table("shape", "window", "seconds", "completions/s", "ok", "errors", "latency p50", "p99",
                "router CPU ms/completion", "switchyard s", "kafka s", "of it JIT s", "mock s", "other s");
        for (AsyncThroughput.Result a : async) {
            t.row(a.shape(), Integer.toString(a.window()), num(a.seconds()), num(a.completionsPerSecond()),
                    Long.toString(a.ok()), Long.toString(a.errors()), p(a.completionLatency(), 50),
                    p(a.completionLatency(), 99), num(a.routerCpuMsPerCompletion()),
                    num(a.cpuSeconds().get("switchyard")), num(a.cpuSeconds().get("kafka")),
                    num(a.cpuSeconds().get("jit")), num(a.cpuSeconds().get("mock")), num(a.cpuSeconds().get("other")));
        }
        return t.render();
    }

    private StepResult direct(StepResult s) {
        for (StepResult d : steps) {
            if (d.target().equals("direct") && d.shape().equals(s.shape()) && d.stream() == s.stream()
                    && d.rate() == s.rate()) {
                return d;
            }
        }
        return null;
    }

    private static String errors(StepResult s) {
        return s.errors() == 0 ? "0" : s.errors() + " " + s.errorKinds();
    }

    private static String p(Percentiles p, int which) {
        if (p == null) {
            return "-";
        }
        return num(switch (which) {
            case 50 -> p.p50();
            case 90 -> p.p90();
            case 99 -> p.p99();
            default -> p.max();
        });
    }

    static String percent(Double share) {
        return share == null ? "-" : String.format(Locale.ROOT, "%.0f %%", share * 100);
    }

    static String num(Double v) {
        if (v == null) {
            return "-";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e12) {
            return Long.toString(v.longValue());
        }
        return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%.0f", v)
                : Math.abs(v) >= 10 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.2f", v);
    }

    /** A Markdown table with aligned columns. */
    static final class Table {
        private final List<String[]> rows = new ArrayList<>();

        Table(String... header) {
            rows.add(header);
        }

        void row(String... cells) {
            rows.add(cells);
        }

        String render() {
            int n = rows.get(0).length;
            int[] width = new int[n];
            for (String[] r : rows) {
                for (int i = 0; i < n; i++) {
                    width[i] = Math.max(width[i], Objects.toString(r[i], "").length());
                }
            }
            StringBuilder sb = new StringBuilder();
            for (int k = 0; k < rows.size(); k++) {
                line(sb, rows.get(k), width);
                if (k == 0) {
                    String[] dashes = new String[n];
                    for (int i = 0; i < n; i++) {
                        dashes[i] = "-".repeat(Math.max(3, width[i]));
                    }
                    line(sb, dashes, width);
                }
            }
            return sb.toString();
        }

        private static void line(StringBuilder sb, String[] cells, int[] width) {
            sb.append('|');
            for (int i = 0; i < cells.length; i++) {
                String c = Objects.toString(cells[i], "");
                sb.append(' ').append(c).append(" ".repeat(Math.max(0, width[i] - c.length()))).append(" |");
            }
            sb.append('\n');
        }
    }
}
