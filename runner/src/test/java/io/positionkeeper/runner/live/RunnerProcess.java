package io.positionkeeper.runner.live;

import io.positionkeeper.runner.Main;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A runner as a child JVM, configured as a user runs it: the production logback configuration (a
 * concise console on stderr, the full log in {@code keeper.log} under its home), its stdout and
 * stderr in files.
 */
final class RunnerProcess {
  final String name;
  final Process process;
  final Path log;
  final Path stderr;

  private RunnerProcess(String name, Process process, Path log, Path stderr) {
    this.name = name;
    this.process = process;
    this.log = log;
    this.stderr = stderr;
  }

  static RunnerProcess start(Path home, String name, List<String> args, Map<String, String> env)
      throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    // No -Dkeeper.log: the runner puts its full log under its --home, as for a user.
    Path log = home.resolve(name).resolve("keeper.log");
    Path stderr = home.resolve(name + ".stderr");
    List<String> command =
        new ArrayList<>(
            List.of(
                java,
                "-Dkeeper.home=" + home.resolve(name),
                "-Dlogback.configurationFile="
                    + Path.of("target/classes/logback.xml").toAbsolutePath(),
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName()));
    command.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().keySet().removeIf(k -> k.startsWith("BINANCE_") || k.startsWith("KEEPER_"));
    pb.environment().putAll(env);
    pb.redirectOutput(home.resolve(name + ".stdout").toFile());
    pb.redirectError(stderr.toFile());
    return new RunnerProcess(name, pb.start(), log, stderr);
  }

  String log() {
    return read(log);
  }

  String stderr() {
    return read(stderr);
  }

  long pid() {
    return process.pid();
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + file, e);
    }
  }
}
