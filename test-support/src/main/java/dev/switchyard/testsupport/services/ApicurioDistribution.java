package dev.switchyard.testsupport.services;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;

/**
 * Finds the Apicurio Registry server ({@code apicurio-registry-app-<v>-runner.jar} with its
 * {@code lib/} beside it). In order:
 * <ol>
 *   <li>system property {@code switchyard.apicurio.jar} or environment {@code SWITCHYARD_APICURIO_JAR}
 *       (the runner jar);</li>
 *   <li>system property {@code switchyard.apicurio.home} or environment {@code SWITCHYARD_APICURIO_HOME}
 *       (the folder holding it);</li>
 *   <li>the folder the build of test-support unpacked it to ({@code test-support/target/apicurio-registry},
 *       recorded in {@code dev/switchyard/testsupport/distribution.properties});</li>
 *   <li>the tarball in the local Maven repository, unpacked once into
 *       {@code ~/.cache/switchyard/apicurio-registry-<v>}.</li>
 * </ol>
 */
public final class ApicurioDistribution {
    /** The classpath resource written by the test-support build. */
    public static final String PROPERTIES = "/dev/switchyard/testsupport/distribution.properties";

    private ApicurioDistribution() {
    }

    /** Properties written by the build (version, paths), or empty. */
    public static Properties buildProperties() {
        Properties p = new Properties();
        try (InputStream in = ApicurioDistribution.class.getResourceAsStream(PROPERTIES)) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    public static String version() {
        return buildProperties().getProperty("apicurio.version", "2.6.13.Final");
    }

    /** The runner jar; throws IllegalStateException listing where it looked. */
    public static Path runnerJar() {
        List<String> tried = new ArrayList<>();
        String jar = setting("switchyard.apicurio.jar", "SWITCHYARD_APICURIO_JAR");
        if (jar != null) {
            Path p = Path.of(jar);
            if (Files.isRegularFile(p)) {
                return p.toAbsolutePath();
            }
            tried.add(p + " (switchyard.apicurio.jar)");
        }
        String home = setting("switchyard.apicurio.home", "SWITCHYARD_APICURIO_HOME");
        if (home != null) {
            Path p = findRunner(Path.of(home));
            if (p != null) {
                return p;
            }
            tried.add(home + " (switchyard.apicurio.home)");
        }
        Properties props = buildProperties();
        String built = props.getProperty("apicurio.runner.jar");
        if (built != null) {
            Path p = Path.of(built);
            if (Files.isRegularFile(p)) {
                return p;
            }
            tried.add(p + " (unpacked by the test-support build)");
        }
        String tarball = props.getProperty("apicurio.tarball", Path.of(System.getProperty("user.home"), ".m2",
                "repository", "io", "apicurio", "apicurio-registry-app", version(),
                "apicurio-registry-app-" + version() + "-all.tar.gz").toString());
        Path tar = Path.of(tarball);
        if (Files.isRegularFile(tar)) {
            return unpackToCache(tar);
        }
        tried.add(tar + " (Maven local repository)");
        throw new IllegalStateException("Apicurio Registry " + version() + " not found; looked at " + tried
                + ". Build test-support (mvn -pl test-support install) or set -Dswitchyard.apicurio.jar=...");
    }

    /** The class to run: the runner jar's {@code Main-Class}. */
    public static String mainClass(Path runnerJar) {
        try (JarFile jar = new JarFile(runnerJar.toFile())) {
            String main = jar.getManifest().getMainAttributes().getValue("Main-Class");
            return main != null ? main : "io.quarkus.runner.GeneratedMain";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String setting(String property, String env) {
        String v = System.getProperty(property);
        if (v == null || v.isBlank()) {
            v = System.getenv(env);
        }
        return v == null || v.isBlank() ? null : v;
    }

    private static Path findRunner(Path dir) {
        if (!Files.isDirectory(dir)) {
            return null;
        }
        try (var s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith("-runner.jar")).findFirst()
                    .map(Path::toAbsolutePath).orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    private static synchronized Path unpackToCache(Path tarball) {
        Path cache = Path.of(System.getProperty("user.home"), ".cache", "switchyard", "apicurio-registry-" + version());
        Path runner = findRunner(cache);
        if (runner != null && Files.exists(cache.resolve(".complete"))) {
            return runner;
        }
        try {
            Path tmp = Files.createDirectories(cache.getParent()).resolve(cache.getFileName() + ".tmp"
                    + ProcessHandle.current().pid());
            Files2.deleteRecursively(tmp);
            Files.createDirectories(tmp);
            Process p = new ProcessBuilder("tar", "-xzf", tarball.toString(), "-C", tmp.toString())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IllegalStateException("unpacking " + tarball + " failed: " + out);
            }
            Files.writeString(tmp.resolve(".complete"), "ok");
            Files2.deleteRecursively(cache);
            Files.move(tmp, cache, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        runner = findRunner(cache);
        if (runner == null) {
            throw new IllegalStateException("no *-runner.jar in " + tarball);
        }
        return runner;
    }
}
