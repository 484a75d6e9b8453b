package dev.switchyard.bench;

import dev.switchyard.bench.async.AsyncThroughput;
import dev.switchyard.bench.kafka.BrokerRequests;
import dev.switchyard.bench.kafka.ReplyHopExperiment;
import dev.switchyard.bench.kafka.TopicRecords;
import dev.switchyard.bench.faults.FaultInjection;
import dev.switchyard.bench.load.OpenLoopRunner;
import dev.switchyard.bench.load.RequestBodies;
import dev.switchyard.bench.load.StepMeasurement;
import dev.switchyard.bench.load.Target;
import dev.switchyard.bench.proc.CoreWaitMeter;
import dev.switchyard.bench.proc.CpuMeter;
import dev.switchyard.bench.proc.ProcStat;
import dev.switchyard.bench.report.BenchReport;
import dev.switchyard.bench.report.StepResult;
import dev.switchyard.bench.stack.BenchStack;
import dev.switchyard.bench.stack.PortkeyGateway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One benchmark run: starts the stack (and the peer), runs every step, prints and writes the report. */
public final class BenchRun {
    private static final Logger LOG = LoggerFactory.getLogger(BenchRun.class);
    /** What the direct calls name: the mock answers any model name. */
    static final String DIRECT_MODEL = "gpt-4o-mini";

    private final BenchOptions o;
    private final String command;

    public BenchRun(BenchOptions options, String command) {
        this.o = options;
        this.command = command;
    }

    public BenchReport run() throws Exception {
        Path work = o.home().resolve("target/bench-runs/"
                + LocalDateTime.now().withNano(0).toString().replace(':', '-'));
        Files.createDirectories(work);
        BenchReport report = new BenchReport(machine(), command);
        o.shapes().forEach(s -> report.shapes.add(s.toString()));
        List<String> stackJvm = new ArrayList<>(o.stackJvm());
        List<String> brokerJvm = new ArrayList<>(o.brokerJvm());
        if (o.jfr()) {
            stackJvm.add("-XX:StartFlightRecording=filename=" + work.resolve("switchyard.jfr") + ",settings=profile,dumponexit=true");
            brokerJvm.add("-XX:StartFlightRecording=filename=" + work.resolve("kafka.jfr") + ",settings=profile,dumponexit=true");
        }
        LOG.info("starting the stack (logs in {})", work);
        try (BenchStack stack = new BenchStack().withUpArgs(o.upArgs()).start(work, stackJvm, brokerJvm, o.partitions(), o.faultHang());
             PortkeyGateway portkey = o.peer() != null
                     ? PortkeyGateway.start(o.home().resolve("scripts/portkey-gateway.sh"), work) : null) {
            Map<String, List<Long>> groups = new LinkedHashMap<>();
            groups.put("switchyard", List.of(stack.switchyardPid()));
            groups.put("kafka", List.of(stack.brokerPid()));
            // What `switchyard up` starts itself (ClickHouse, for the metrics stage): off the request path, shown apart.
            groups.put("children", ProcessHandle.of(stack.switchyardPid())
                    .map(p -> p.descendants().map(ProcessHandle::pid).toList()).orElse(List.of()));
            groups.put("registry", List.of(stack.registryPid()));
            groups.put("mock", List.of(stack.mockPid()));
            groups.put("loadgen", List.of(ProcessHandle.current().pid()));
            if (portkey != null) {
                groups.put("portkey", List.of(portkey.pid()));
            }
            CpuMeter cpu = new CpuMeter(groups, List.of(stack.switchyardPid(), stack.brokerPid()));
            CoreWaitMeter coreWait = new CoreWaitMeter(groups);
            report.idleCpuCores = idle(cpu, Duration.ofSeconds(2)); // let the first metadata fetches finish
            LOG.info("idle CPU (cores) just after start: {}", report.idleCpuCores);
            if (!o.skipHttp()) {
                try (OpenLoopRunner runner = new OpenLoopRunner(2, o.connections(), Duration.ofSeconds(30));
                     TopicRecords topicRecords = new TopicRecords(stack.bootstrapServers());
                     BrokerRequests brokerRequests = new BrokerRequests(stack.brokerJmxPort())) {
                    for (Shape shape : o.shapes()) {
                        List<Target> targets = targets(stack, portkey, shape);
                        for (boolean stream : o.streamModes()) {
                            double warmRate = Math.min(200, o.rates().stream().mapToDouble(Double::doubleValue).max().orElse(50));
                            for (Target target : targets) {
                                LOG.info("warm-up {} {} stream={} at {} rps for {}", shape.name(), target.name(), stream,
                                        warmRate, o.warmup());
                                runner.run(target, shape, stream, warmRate, o.warmup(), o.drain());
                            }
                            for (double rate : o.rates()) {
                                for (Target target : targets) {
                                    double load = ProcStat.loadAverage();
                                    Map<String, Long> offsetsBefore = topicRecords.endOffsets();
                                    Map<String, Long> requestsBefore = brokerRequests.served();
                                    cpu.start();
                                    coreWait.start();
                                    StepMeasurement.Snapshot s = runner.run(target, shape, stream, rate, o.duration(), o.drain());
                                    Map<String, Double> used = cpu.stop();
                                    Map<String, Double> waited = coreWait.stop();
                                    boolean switchyard = target.name().equals("switchyard");
                                    Map<String, Double> records = TopicRecords.perAnswer(offsetsBefore, topicRecords.endOffsets(), s.ok());
                                    Map<String, Double> requests = TopicRecords.perAnswer(requestsBefore, brokerRequests.served(), s.ok());
                                    StepResult r = StepResult.of(shape.name(), stream, target.name(), rate, s, used, cpu.rss(), waited, load,
                                            switchyard ? records : Map.of(), switchyard ? requests : Map.of());
                                    report.steps.add(r);
                                    LOG.info("{} stream={} {} @ {} rps: {} ok, {} errors, TTFT p50/p99 {}, total p50/p99 {}, gateway CPU {} ms/req",
                                            shape.name(), stream, target.name(), rate, r.ok(), r.errors(),
                                            r.ttft() == null ? "-" : r.ttft().p50() + "/" + r.ttft().p99(),
                                            r.total() == null ? "-" : r.total().p50() + "/" + r.total().p99(),
                                            r.gatewayCpuMsPerRequest());
                                    Thread.sleep(1000); // let the previous step's connections and GC settle
                                }
                            }
                        }
                    }
                }
            }
            if (stack.faultyUpstream() != null) {
                LOG.info("fault injection: {}", stack.faultyUpstream());
            }
            if (o.async()) {
                LOG.info("async throughput: shape {}, window {}, {}", o.asyncShape().name(), o.asyncWindow(), o.asyncDuration());
                // Warmed up like every other mode: a fixed 10 s left the load generator's own JIT compiling the async
                // path (0.14 of the 2 cores) through the measured interval.
                report.async.add(AsyncThroughput.run(stack.bootstrapServers(), stack.registryUrl(), stack.routerId(),
                        o.asyncShape(), o.warmup(), o.asyncDuration(), o.asyncWindow(), cpu));
            }
            if (o.kafkaWhatIf()) {
                LOG.info("Kafka reply-hop experiment at {} records/s", o.whatIfRates());
                report.kafkaWhatIf.addAll(ReplyHopExperiment.run(stack.bootstrapServers(), stack.brokerPid(),
                        o.whatIfRates(), Duration.ofSeconds(10)));
            }
            report.idleCpuCoresAfter = idle(cpu, Duration.ofSeconds(5)); // the last commits and inserts of the load
            LOG.info("idle CPU (cores) after the steps: {}", report.idleCpuCoresAfter);
        }
        dropData(work);
        String md = report.markdown();
        System.out.println();
        System.out.println(md);
        report.writeJson(o.out());
        Files.writeString(Path.of(o.out().toString().replaceAll("\\.json$", "") + ".md"), md);
        System.out.println("JSON: " + o.out() + "\nlogs" + (o.jfr() ? " and JFR recordings" : "") + ": " + work);
        return report;
    }

    /** Deletes the run's Kafka, metrics and ClickHouse data (hundreds of MB a run); keeps the logs and JFR files. */
    private static void dropData(Path work) {
        for (String dir : List.of("kafka", "switchyard")) {
            Path data = work.resolve(dir);
            try {
                Path brokerLog = data.resolve("broker.log");
                if (Files.exists(brokerLog)) {
                    Files.copy(brokerLog, work.resolve("broker.log"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
                if (Files.exists(data)) {
                    try (var paths = Files.walk(data)) {
                        paths.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                    }
                }
            } catch (java.io.IOException e) {
                LOG.warn("could not delete {}: {}", data, e.toString());
            }
        }
    }

    /** CPU cores per group over 5 s without load, after {@code settle}: the floor every per-request figure includes. */
    private static Map<String, Double> idle(CpuMeter cpu, Duration settle) throws InterruptedException {
        Thread.sleep(settle.toMillis()); // a fixed pause, not a wait on a condition: nothing signals "idle"
        cpu.start();
        Thread.sleep(5000);
        Map<String, Double> used = cpu.stop();
        double wall = used.remove("wall");
        Map<String, Double> cores = new LinkedHashMap<>();
        used.forEach((g, v) -> cores.put(g, Math.round(v / wall * 1000) / 1000.0));
        return cores;
    }

    private List<Target> targets(BenchStack stack, PortkeyGateway portkey, Shape shape) {
        List<Target> targets = new ArrayList<>();
        var direct = RequestBodies.of(DIRECT_MODEL, shape, false);
        if (o.targets().contains("direct")) {
            targets.add(new Target("direct", stack.mockUrl() + "/v1/chat/completions", Map.of(), direct));
        }
        if (o.targets().contains("switchyard")) {
            targets.add(new Target("switchyard", stack.switchyardUrl() + "/v1/chat/completions", Map.of(),
                    RequestBodies.of("router/" + stack.routerId(), shape, true)));
        }
        if (o.faultHang() > 0) {
            targets.add(FaultInjection.target(stack.switchyardUrl() + "/v1/chat/completions", shape, o.faultHang(), o.faultPolicy()));
        }
        if (portkey != null) {
            targets.add(new Target("portkey", portkey.chatUrl(), Map.of("x-portkey-provider", "openai",
                    "x-portkey-custom-host", stack.mockUrl() + "/v1", "authorization", "Bearer bench-unused"), direct));
        }
        if (o.gatewayUrl() != null) {
            String base = o.gatewayUrl().replaceAll("/+$", "");
            String url = base.endsWith("/chat/completions") ? base : base + "/chat/completions";
            targets.add(new Target(o.gatewayName(), url, o.gatewayHeaders(), direct));
        }
        return targets;
    }

    private static Map<String, Object> machine() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("memory_gib", Math.round(memTotalKib() / 1048576.0));
        m.put("cpu", cpuModel());
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        m.put("load_avg_at_start", ProcStat.loadAverage());
        m.put("started", LocalDateTime.now().withNano(0).toString());
        return m;
    }

    private static long memTotalKib() {
        try {
            return Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal:"))
                    .map(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).findFirst().orElse(0L);
        } catch (Exception e) {
            return 0;
        }
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("?");
        } catch (Exception e) {
            return "?";
        }
    }
}
