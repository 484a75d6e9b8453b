package dev.switchyard.testsupport.services;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class ParentWatchdogIT {

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void childDiesWhenItsParentIsKilled(@TempDir Path dir) throws Exception {
        Process parent = new ProcessBuilder(ChildProcess.javaBinary(), "-Xmx64m", "-cp",
                System.getProperty("java.class.path"), OrphanParent.class.getName(), dir.toString())
                .redirectErrorStream(true).start();
        long childPid;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(parent.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line = out.readLine();
            assertThat(line).as("parent output").startsWith("child ");
            childPid = Long.parseLong(line.substring(6).strip());
            Optional<ProcessHandle> child = ProcessHandle.of(childPid);
            assertThat(child).isPresent();
            assertThat(child.get().isAlive()).isTrue();

            parent.destroyForcibly(); // SIGKILL: no shutdown hook runs in the parent
            parent.waitFor(30, TimeUnit.SECONDS);

            child.get().onExit().get(60, TimeUnit.SECONDS);
            assertThat(child.get().isAlive()).isFalse();
        } finally {
            parent.destroyForcibly();
        }
        assertThat(ChildProcess.tail(dir.resolve("sleeper.log"), 5)).contains("parent " + parent.pid() + " is gone");
    }
}
