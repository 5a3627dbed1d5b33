package leaderboard.sqlrunner;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The job keeper of the Docker target. A session cluster without HA forgets its jobs when the
 * JobManager restarts, so this stays up beside it: it waits for the REST API and a task slot, runs
 * each named script through the runner jar unless a job of that name is alive, records the job ids it
 * submitted in a state file on the checkpoint volume, and with {@code --watch} checks again every poll
 * interval. A job of its set that is missing (or failed, or cancelled) is resubmitted from the latest
 * complete retained checkpoint of the jobs it submitted under that name, and from scratch only when
 * none exists. JDK only (java.net.http).
 *
 * <pre>
 *   --rest-url http://jobmanager:8081    the JobManager's REST endpoint
 *   --jar &lt;path&gt;                         the runner jar, read here and uploaded
 *   --job &lt;name&gt;=&lt;script path&gt;          repeatable; the path is on the JobManager (/opt/flink/jobs/&lt;name&gt;.sql)
 *   --timeout-seconds &lt;n&gt;                how long the first submission waits for the cluster (default 300)
 *   --checkpoints-dir &lt;path&gt;             the cluster's checkpoint directory, mounted here at the same path
 *   --watch &lt;seconds&gt;                    keep the jobs running, checking at this interval (needs --checkpoints-dir)
 *   --health-file &lt;path&gt;                 touched after each check that found every job alive
 *   --parallelism &lt;n&gt;                    parallelism of every job (default 1; Flink's jar run ignores the
 *                                        cluster's parallelism.default and runs at 1 unless told)
 * </pre>
 */
public final class DockerSubmitter {
  private static final JsonLog LOG = new JsonLog("flink-submitter");
  /** States of a job that is alive (or about to be), so it must not be submitted again. */
  private static final Set<String> ALIVE = Set.of("INITIALIZING", "CREATED", "RUNNING", "RESTARTING", "RECONCILING");
  private static final Duration POLL = Duration.ofSeconds(2);
  /** Job ids kept per name: enough to reach back past a few restarts that came before a first checkpoint. */
  private static final int HISTORY = 10;
  static final String STATE_FILE = "leaderboard-submitted-jobs.json";

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String restUrl;
  private final Args args;
  /** Checkpoints whose restore was refused in this process, so the next round tries an older one. */
  private final Set<Path> refused = new HashSet<>();

  private DockerSubmitter(Args args) {
    this.args = args;
    this.restUrl = args.restUrl().replaceAll("/+$", "");
  }

  record Args(String restUrl, Path jar, Map<String, String> jobs, Duration timeout, Path checkpointsDir, Duration watch, Path healthFile, int parallelism) {
    private static final Set<String> FLAGS = Set.of("--rest-url", "--jar", "--job", "--timeout-seconds", "--checkpoints-dir", "--watch", "--health-file", "--parallelism");

    static Args parse(String[] args) {
      String rest = null;
      Path jar = null;
      Map<String, String> jobs = new LinkedHashMap<>();
      Duration timeout = Duration.ofSeconds(300);
      Path checkpoints = null;
      Duration watch = null;
      Path health = null;
      int parallelism = 1;
      for (int i = 0; i < args.length; i++) {
        String flag = args[i];
        if (!FLAGS.contains(flag)) {
          throw new IllegalArgumentException("unknown argument '" + flag + "'; allowed: --rest-url <url>, --jar <path>, --job <name>=<script path>, --timeout-seconds <n>, --checkpoints-dir <path>, --watch <seconds>, --health-file <path>, --parallelism <n>");
        }
        if (i + 1 >= args.length) throw new IllegalArgumentException(flag + " needs a value");
        String v = args[++i];
        switch (flag) {
          case "--rest-url" -> {
            if (!v.matches("https?://.+")) throw new IllegalArgumentException("--rest-url must be an http(s) URL, got '" + v + "'");
            rest = v;
          }
          case "--jar" -> jar = Path.of(v);
          case "--job" -> {
            int eq = v.indexOf('=');
            if (eq <= 0 || eq == v.length() - 1) throw new IllegalArgumentException("--job must be <name>=<script path>, got '" + v + "'");
            if (jobs.put(v.substring(0, eq), v.substring(eq + 1)) != null) {
              throw new IllegalArgumentException("--job name '" + v.substring(0, eq) + "' given twice");
            }
          }
          case "--checkpoints-dir" -> checkpoints = Path.of(v);
          case "--watch" -> watch = seconds(flag, v);
          case "--health-file" -> health = Path.of(v);
          case "--parallelism" -> parallelism = positive(flag, v);
          default -> timeout = seconds(flag, v);
        }
      }
      if (rest == null) throw new IllegalArgumentException("--rest-url is required");
      if (jar == null) throw new IllegalArgumentException("--jar is required");
      if (!Files.isReadable(jar)) throw new IllegalArgumentException("--jar " + jar + " is not a readable file");
      if (jobs.isEmpty()) throw new IllegalArgumentException("at least one --job <name>=<script path> is required");
      if (watch != null && checkpoints == null) throw new IllegalArgumentException("--watch needs --checkpoints-dir (where the jobs' checkpoints and the submitted job ids are)");
      if (checkpoints != null && !Files.isDirectory(checkpoints)) throw new IllegalArgumentException("--checkpoints-dir " + checkpoints + " is not a directory");
      return new Args(rest, jar, jobs, timeout, checkpoints, watch, health, parallelism);
    }

    private static Duration seconds(String flag, String v) {
      try {
        long n = Long.parseLong(v);
        if (n > 0) return Duration.ofSeconds(n);
      } catch (NumberFormatException e) {
        // reported below with the flag's name
      }
      throw new IllegalArgumentException(flag + " must be a positive whole number of seconds, got '" + v + "'");
    }

    private static int positive(String flag, String v) {
      try {
        int n = Integer.parseInt(v);
        if (n > 0) return n;
      } catch (NumberFormatException e) {
        // reported below with the flag's name
      }
      throw new IllegalArgumentException(flag + " must be a positive whole number, got '" + v + "'");
    }
  }

  public static void main(String[] argv) {
    try {
      Args args = Args.parse(argv);
      DockerSubmitter submitter = new DockerSubmitter(args);
      submitter.submitFirst();
      if (args.watch() != null) submitter.keep();
    } catch (IllegalArgumentException | SubmitException e) {
      LOG.error(e.getMessage());
      System.exit(1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      LOG.error("interrupted");
      System.exit(1);
    }
  }

  static final class SubmitException extends Exception {
    SubmitException(String message) {
      super(message);
    }
  }

  /** The deploy's submission: bounded, so a cluster that never comes up fails the deploy with a reason. */
  private void submitFirst() throws SubmitException, InterruptedException {
    long deadline = System.nanoTime() + args.timeout().toNanos();
    waitFor("the JobManager REST API and a TaskManager", deadline, () -> number(overview(), "slots-total") >= 1);
    try {
      if (reconcile(() -> waitFor("a free task slot", deadline, () -> number(overview(), "slots-available") >= 1))) {
        LOG.info("nothing to submit");
        touchHealth();
      }
    } catch (IOException e) {
      throw new SubmitException("cannot submit the jobs at " + restUrl + ": " + e.getMessage());
    }
  }

  /**
   * Checks forever. A failed check (JobManager down or restarting, no slot yet) is logged once when it
   * starts failing and once when it recovers, so the log stays quiet while nothing changes.
   */
  private void keep() throws InterruptedException {
    String failing = null;
    while (true) {
      Thread.sleep(args.watch().toMillis());
      try {
        if (number(overview(), "slots-total") < 1) throw new SubmitException("no TaskManager registered");
        if (reconcile(() -> {
          if (number(overview(), "slots-available") < 1) throw new SubmitException("no free task slot");
        })) touchHealth();
        if (failing != null) LOG.info("jobs checked again", "restUrl", restUrl);
        failing = null;
      } catch (IOException | SubmitException e) {
        // A refused connection has no message; its class says what happened.
        String why = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        if (failing == null) LOG.info("cannot check the jobs, retrying", "restUrl", restUrl, "last", why);
        failing = why;
      }
    }
  }

  private interface SlotWait {
    void await() throws IOException, SubmitException, InterruptedException;
  }

  /** Submits each job that has no live instance; true when every job was alive already. */
  private boolean reconcile(SlotWait slot) throws IOException, SubmitException, InterruptedException {
    Map<String, String> alive = aliveJobs();
    Map<String, List<String>> submitted = readState();
    List<String> pending = new ArrayList<>();
    for (String name : args.jobs().keySet()) {
      if (!alive.containsKey(name)) pending.add(name);
    }
    if (pending.isEmpty()) return true;
    slot.await();
    String jarId = jarId();
    for (String name : pending) {
      List<String> history = submitted.getOrDefault(name, List.of());
      Path checkpoint = latestCheckpoint(history);
      if (checkpoint == null && !history.isEmpty()) {
        LOG.info("no complete checkpoint of an earlier run, starting from scratch", "job", name, "earlierJobIds", String.join(",", history));
      }
      String jobId;
      try {
        jobId = run(jarId, name, args.jobs().get(name), checkpoint);
      } catch (SubmitException e) {
        if (checkpoint != null) refused.add(checkpoint);
        throw e;
      }
      List<String> updated = new ArrayList<>();
      updated.add(jobId);
      updated.addAll(history.subList(0, Math.min(history.size(), HISTORY - 1)));
      // A run restored from a checkpoint never needs an older run's: those runs and their checkpoint
      // directories go (and so do runs past the history's length), so the volume holds a few runs only.
      if (checkpoint != null) {
        String restoredFrom = checkpoint.getParent().getFileName().toString();
        int keep = updated.indexOf(restoredFrom) + 1;
        if (keep > 0) updated = new ArrayList<>(updated.subList(0, keep));
      }
      submitted.put(name, updated);
      writeState(submitted);
      prune(name, history, updated);
      if (checkpoint == null) LOG.info("submitted", "job", name, "jobId", jobId);
      else LOG.info("resubmitted from checkpoint", "job", name, "jobId", jobId, "checkpoint", checkpoint.toString());
    }
    return false;
  }

  /** Deletes the checkpoint directories of `name`'s runs that left its history. */
  private void prune(String name, List<String> before, List<String> after) throws IOException {
    if (args.checkpointsDir() == null) return;
    List<String> pruned = new ArrayList<>();
    for (String jobId : before) {
      if (after.contains(jobId)) continue;
      Path dir = args.checkpointsDir().resolve(jobId);
      if (!Files.isDirectory(dir)) continue;
      try (var paths = Files.walk(dir)) {
        for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
      }
      pruned.add(jobId);
    }
    if (!pruned.isEmpty()) LOG.info("pruned the checkpoints of earlier runs", "job", name, "jobIds", String.join(",", pruned));
  }

  /** The highest-numbered checkpoint with its metadata written, of the newest earlier run that has one. */
  private Path latestCheckpoint(List<String> jobIds) throws IOException {
    if (args.checkpointsDir() == null) return null;
    for (String jobId : jobIds) {
      Path dir = args.checkpointsDir().resolve(jobId);
      if (!Files.isDirectory(dir)) continue;
      Path best = null;
      long bestN = -1;
      try (DirectoryStream<Path> chks = Files.newDirectoryStream(dir, "chk-*")) {
        for (Path chk : chks) {
          long n;
          try {
            n = Long.parseLong(chk.getFileName().toString().substring(4));
          } catch (NumberFormatException e) {
            continue;
          }
          // A checkpoint in progress (or cut off by a crash) has no _metadata yet.
          if (n > bestN && Files.isRegularFile(chk.resolve("_metadata")) && !refused.contains(chk)) {
            best = chk;
            bestN = n;
          }
        }
      }
      if (best != null) return best;
    }
    return null;
  }

  private Map<String, List<String>> readState() throws IOException, SubmitException {
    if (args.checkpointsDir() == null) return new LinkedHashMap<>();
    Path file = args.checkpointsDir().resolve(STATE_FILE);
    Map<String, List<String>> state = new LinkedHashMap<>();
    if (!Files.exists(file)) return state;
    Object jobs = object(Files.readString(file)).get("jobs");
    if (jobs instanceof Map<?, ?> m) {
      for (Map.Entry<?, ?> e : m.entrySet()) {
        List<String> ids = new ArrayList<>();
        if (e.getValue() instanceof List<?> l) l.forEach(id -> ids.add(String.valueOf(id)));
        state.put(String.valueOf(e.getKey()), ids);
      }
    }
    return state;
  }

  /** Written whole and renamed into place, so a crash never leaves half a file. */
  private void writeState(Map<String, List<String>> state) throws IOException {
    if (args.checkpointsDir() == null) return;
    StringBuilder b = new StringBuilder("{\"jobs\":{");
    String sep = "";
    for (Map.Entry<String, List<String>> e : state.entrySet()) {
      b.append(sep).append(JsonLog.quote(e.getKey())).append(":[");
      b.append(String.join(",", e.getValue().stream().map(JsonLog::quote).toList())).append(']');
      sep = ",";
    }
    Path file = args.checkpointsDir().resolve(STATE_FILE);
    Path tmp = file.resolveSibling(STATE_FILE + ".tmp");
    Files.writeString(tmp, b.append("}}\n"));
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private void touchHealth() {
    if (args.healthFile() == null) return;
    try {
      Files.writeString(args.healthFile(), Instant.now().toString());
    } catch (IOException e) {
      LOG.error("cannot write the health file", "file", args.healthFile().toString(), "error", String.valueOf(e.getMessage()));
    }
  }

  private interface Probe {
    boolean ok() throws IOException, SubmitException, InterruptedException;
  }

  private void waitFor(String what, long deadline, Probe probe) throws SubmitException, InterruptedException {
    long lastLog = 0;
    String lastError = "";
    while (true) {
      try {
        if (probe.ok()) return;
        lastError = "not yet";
      } catch (IOException | SubmitException e) {
        lastError = String.valueOf(e.getMessage());
      }
      if (System.nanoTime() > deadline) throw new SubmitException("timed out waiting for " + what + " at " + restUrl + " (last: " + lastError + ")");
      if (System.nanoTime() - lastLog > Duration.ofSeconds(10).toNanos()) {
        LOG.info("waiting", "for", what, "restUrl", restUrl, "last", lastError);
        lastLog = System.nanoTime();
      }
      Thread.sleep(POLL.toMillis());
    }
  }

  private Map<String, Object> overview() throws IOException, SubmitException, InterruptedException {
    return object(get("/overview"));
  }

  private Map<String, String> aliveJobs() throws IOException, SubmitException, InterruptedException {
    Map<String, String> alive = new LinkedHashMap<>();
    Object jobs = object(get("/jobs/overview")).get("jobs");
    if (jobs instanceof List<?> list) {
      for (Object j : list) {
        if (j instanceof Map<?, ?> job && ALIVE.contains(String.valueOf(job.get("state")))) {
          alive.put(String.valueOf(job.get("name")), String.valueOf(job.get("state")));
        }
      }
    }
    return alive;
  }

  /** The runner jar already uploaded to this JobManager (a restarted one has none), else a fresh upload. */
  private String jarId() throws IOException, SubmitException, InterruptedException {
    Object files = object(get("/jars")).get("files");
    String name = args.jar().getFileName().toString();
    if (files instanceof List<?> list) {
      for (Object f : list) {
        if (f instanceof Map<?, ?> file && name.equals(String.valueOf(file.get("name")))) return String.valueOf(file.get("id"));
      }
    }
    return upload(args.jar());
  }

  private String upload(Path jar) throws SubmitException, InterruptedException {
    String boundary = "leaderboard-" + System.nanoTime();
    try {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\"" + jar.getFileName()
          + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n").getBytes(StandardCharsets.UTF_8));
      body.write(Files.readAllBytes(jar));
      body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
      HttpRequest request = HttpRequest.newBuilder(URI.create(restUrl + "/jars/upload"))
          .timeout(Duration.ofSeconds(60))
          .header("Content-Type", "multipart/form-data; boundary=" + boundary)
          .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
          .build();
      Map<String, Object> response = object(send(request, "upload " + jar));
      String file = String.valueOf(response.get("filename"));
      String jarId = file.substring(file.lastIndexOf('/') + 1);
      LOG.info("uploaded", "jar", jar.toString(), "jarId", jarId);
      return jarId;
    } catch (IOException e) {
      throw new SubmitException("cannot upload " + jar + " to " + restUrl + ": " + e.getMessage());
    }
  }

  private String run(String jarId, String name, String script, Path checkpoint) throws SubmitException, InterruptedException {
    String restore = checkpoint == null ? "" : ",\"savepointPath\":" + JsonLog.quote(checkpoint.toUri().toString()) + ",\"allowNonRestoredState\":false";
    String body = "{\"entryClass\":\"" + SqlRunner.class.getName() + "\",\"programArgsList\":[\"--script\"," + JsonLog.quote(script) + "]"
        + ",\"parallelism\":" + args.parallelism() + restore + "}";
    HttpRequest request = HttpRequest.newBuilder(URI.create(restUrl + "/jars/" + jarId + "/run"))
        .timeout(Duration.ofMinutes(3))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
    try {
      return String.valueOf(object(send(request, "run job " + name + " (" + script + ")")).get("jobid"));
    } catch (IOException e) {
      throw new SubmitException("cannot run job " + name + " at " + restUrl + ": " + e.getMessage());
    }
  }

  private String get(String path) throws IOException, SubmitException, InterruptedException {
    return send(HttpRequest.newBuilder(URI.create(restUrl + path)).timeout(Duration.ofSeconds(10)).GET().build(), "GET " + path);
  }

  private String send(HttpRequest request, String what) throws IOException, SubmitException, InterruptedException {
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() / 100 != 2) {
      throw new SubmitException(what + " failed: HTTP " + response.statusCode() + ": " + response.body());
    }
    return response.body();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> object(String json) throws SubmitException {
    try {
      Object v = MiniJson.parse(json);
      if (v instanceof Map<?, ?>) return (Map<String, Object>) v;
    } catch (IllegalArgumentException e) {
      throw new SubmitException("unexpected REST response: " + e.getMessage());
    }
    throw new SubmitException("unexpected REST response (not an object): " + json);
  }

  private static double number(Map<String, Object> m, String key) {
    return m.get(key) instanceof Double d ? d : -1;
  }
}
