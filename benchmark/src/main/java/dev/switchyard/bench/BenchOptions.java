package dev.switchyard.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Options of {@code switchyard bench}. */
public record BenchOptions(
        List<Shape> shapes,
        List<Double> rates,
        Duration duration,
        Duration warmup,
        Duration drain,
        List<Boolean> streamModes,
        List<String> targets,
        String peer,
        String gatewayUrl,
        String gatewayName,
        Map<String, String> gatewayHeaders,
        boolean async,
        boolean skipHttp,
        Duration asyncDuration,
        int asyncWindow,
        Shape asyncShape,
        boolean jfr,
        Path out,
        Path home,
        int partitions,
        int connections,
        List<String> stackJvm,
        List<String> brokerJvm,
        List<String> upArgs,
        double faultHang,
        String faultPolicy,
        boolean kafkaWhatIf,
        List<Double> whatIfRates) {

    public static final String USAGE = """
            Usage: ./switchyard bench [options]        (or: ./switchyard bench --jmh [JMH options])

              --shape short,realistic   request shapes to run (default short,realistic):
                                        short     = prompt ~1 KB, 20 chunks, no delay at the mock
                                        realistic = prompt ~1 KB, 100 chunks, TTFT 200 ms, 15 ms between tokens
              --chunks N --ttft-ms N --inter-token-ms N --prompt-bytes N   override the shapes' values
              --rates 50,100,200        arrival rates (requests/s), one step each (default 50,100,200)
              --duration 20s            length of each step (default 20s); --warmup 10s before each target/mode
              --drain 30s               how long a step waits for its last answers (default 30s)
              --stream true|false|both  streaming, non-streaming or both (default both)
              --targets direct,switchyard   what to drive (default both); the mock directly and through the router
              --peer portkey            also drive the Portkey AI gateway (npm install by benchmark/scripts/portkey-gateway.sh)
              --gateway URL             also drive an external OpenAI-compatible base URL (e.g. http://host:port/v1)
              --gateway-header 'K: V'   header for --gateway (repeatable); --gateway-name NAME (default gateway)
              --async                   also measure async throughput (Kafka in, Kafka out); --async-only skips HTTP (so does --no-http)
              --async-duration 30s --async-window 2000 --async-shape short
              --kafka-what-if           also measure one reply hop (producer -> broker -> consumer) under several client
                                        settings (--what-if-rates 5000,20000 records/s)
              --jfr                     record the Switchyard JVM and the broker with JFR (files in the run folder)
              --out FILE                the JSON result (default benchmark/target/bench-results/bench-<time>.json)
              --partitions 6 --connections 4000 --stack-jvm '-Xmx2g ...'
              --broker-jvm '-Xmx512m'   JVM options of the benchmark's Kafka broker (default -Xmx512m)
              --up-args '--reply-hold-ms 2'   extra options of the Switchyard under test's `up` (see ./switchyard up --help)
              --fault-hang 0.1          also drive Switchyard with a primary model that hangs before its first token on
                                        this share of its calls and a healthy fallback: the client TTFT (p50/p99) under
                                        failover. --fault-policy ttft:500ms (default; cut at the TTFT deadline) or
                                        hedge:300ms (start the fallback in parallel)
            """;

    public static BenchOptions parse(List<String> args) {
        List<String> shapeNames = List.of("short", "realistic");
        Integer chunks = null;
        Integer ttft = null;
        Integer interToken = null;
        Integer promptBytes = null;
        List<Double> rates = List.of(50.0, 100.0, 200.0);
        Duration duration = Duration.ofSeconds(20);
        Duration warmup = Duration.ofSeconds(10);
        Duration drain = Duration.ofSeconds(30);
        List<Boolean> stream = List.of(true, false);
        List<String> targets = List.of("direct", "switchyard");
        String peer = null;
        String gateway = null;
        String gatewayName = "gateway";
        Map<String, String> gatewayHeaders = new LinkedHashMap<>();
        boolean async = false;
        boolean skipHttp = false;
        Duration asyncDuration = Duration.ofSeconds(30);
        int asyncWindow = 2000;
        String asyncShape = "short";
        boolean jfr = false;
        Path out = null;
        Path home = Path.of(System.getProperty("switchyard.bench.home", "benchmark")).toAbsolutePath();
        int partitions = 6;
        int connections = 4000;
        List<String> stackJvm = new ArrayList<>();
        List<String> brokerJvm = List.of("-Xmx512m");
        List<String> upArgs = new ArrayList<>();
        double faultHang = 0;
        String faultPolicy = "ttft:500ms";
        boolean kafkaWhatIf = false;
        List<Double> whatIfRates = List.of(5000.0, 20000.0);
        for (int i = 0; i < args.size(); i++) {
            String flag = args.get(i);
            String inline = null;
            if (flag.startsWith("--") && flag.contains("=")) {
                inline = flag.substring(flag.indexOf('=') + 1);
                flag = flag.substring(0, flag.indexOf('='));
            }
            switch (flag) {
                case "--async" -> async = true;
                case "--async-only" -> {
                    async = true;
                    skipHttp = true;
                }
                case "--no-http" -> skipHttp = true;
                case "--jfr" -> jfr = true;
                case "--kafka-what-if" -> kafkaWhatIf = true;
                default -> {
                    String value = inline != null ? inline : (i + 1 < args.size() ? args.get(++i) : null);
                    if (value == null) {
                        throw new IllegalArgumentException(flag + " needs a value");
                    }
                    switch (flag) {
                        case "--shape", "--shapes" -> shapeNames = List.of(value.split(","));
                        case "--chunks" -> chunks = Integer.parseInt(value);
                        case "--ttft-ms" -> ttft = Integer.parseInt(value);
                        case "--inter-token-ms" -> interToken = Integer.parseInt(value);
                        case "--prompt-bytes" -> promptBytes = Integer.parseInt(value);
                        case "--rates", "--rate" -> rates = java.util.Arrays.stream(value.split(","))
                                .map(String::trim).map(Double::parseDouble).toList();
                        case "--duration" -> duration = duration(value);
                        case "--warmup" -> warmup = duration(value);
                        case "--drain" -> drain = duration(value);
                        case "--stream" -> stream = switch (value) {
                            case "true", "yes" -> List.of(true);
                            case "false", "no" -> List.of(false);
                            case "both" -> List.of(true, false);
                            default -> throw new IllegalArgumentException("--stream takes true, false or both");
                        };
                        case "--targets" -> targets = List.of(value.split(","));
                        case "--peer" -> {
                            if (!value.equals("portkey")) {
                                throw new IllegalArgumentException("--peer knows portkey (use --gateway URL for others)");
                            }
                            peer = value;
                        }
                        case "--gateway" -> gateway = value;
                        case "--gateway-name" -> gatewayName = value;
                        case "--gateway-header" -> {
                            int colon = value.indexOf(':');
                            if (colon < 1) {
                                throw new IllegalArgumentException("--gateway-header takes 'Name: value'");
                            }
                            gatewayHeaders.put(value.substring(0, colon).trim(), value.substring(colon + 1).trim());
                        }
                        case "--async-duration" -> asyncDuration = duration(value);
                        case "--async-window" -> asyncWindow = Integer.parseInt(value);
                        case "--async-shape" -> asyncShape = value;
                        case "--out" -> out = Path.of(value).toAbsolutePath();
                        case "--partitions" -> partitions = Integer.parseInt(value);
                        case "--connections" -> connections = Integer.parseInt(value);
                        case "--what-if-rates" -> whatIfRates = java.util.Arrays.stream(value.split(","))
                                .map(String::trim).map(Double::parseDouble).toList();
                        case "--stack-jvm" -> stackJvm = List.of(value.trim().split("\\s+"));
                        case "--broker-jvm" -> brokerJvm = List.of(value.trim().split("\\s+"));
                        case "--up-args" -> upArgs = List.of(value.trim().split("\\s+"));
                        case "--fault-hang" -> faultHang = Double.parseDouble(value);
                        case "--fault-policy" -> faultPolicy = value;
                        default -> throw new IllegalArgumentException("unknown option " + flag);
                    }
                }
            }
        }
        List<Shape> shapes = new ArrayList<>();
        for (String name : shapeNames) {
            shapes.add(override(Shape.named(name.trim()), chunks, ttft, interToken, promptBytes));
        }
        Shape asyncS = override(Shape.named(asyncShape), chunks, ttft, interToken, promptBytes);
        if (out == null) {
            out = home.resolve("target/bench-results/bench-"
                    + java.time.LocalDateTime.now().withNano(0).toString().replace(':', '-') + ".json");
        }
        return new BenchOptions(shapes, rates, duration, warmup, drain, stream, targets, peer, gateway, gatewayName,
                gatewayHeaders, async, skipHttp, asyncDuration, asyncWindow, asyncS, jfr, out, home, partitions,
                connections, stackJvm.stream().filter(s -> !s.isEmpty()).toList(),
                brokerJvm.stream().filter(s -> !s.isEmpty()).toList(),
                upArgs.stream().filter(s -> !s.isEmpty()).toList(), faultHang, faultPolicy,
                kafkaWhatIf, whatIfRates);
    }

    private static Shape override(Shape s, Integer chunks, Integer ttft, Integer interToken, Integer promptBytes) {
        if (chunks != null) {
            s = s.withChunks(chunks);
        }
        if (ttft != null) {
            s = s.withTtftMs(ttft);
        }
        if (interToken != null) {
            s = s.withInterTokenMs(interToken);
        }
        if (promptBytes != null) {
            s = s.withPromptBytes(promptBytes);
        }
        return s;
    }

    /** {@code 20s}, {@code 500ms}, {@code 2m}, or a number of seconds. */
    static Duration duration(String text) {
        String t = text.trim();
        if (t.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
        }
        if (t.endsWith("s")) {
            return Duration.ofMillis((long) (Double.parseDouble(t.substring(0, t.length() - 1)) * 1000));
        }
        if (t.endsWith("m")) {
            return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)) * 60);
        }
        return Duration.ofMillis((long) (Double.parseDouble(t) * 1000));
    }
}
