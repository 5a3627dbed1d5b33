package leaderboard.sqlrunner;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one-shot submitter of the Docker target: waits for the JobManager's REST API and a task slot,
 * uploads the runner jar once, and runs each named script through it unless a job of that name is
 * already alive, so running it again submits nothing twice. JDK only (java.net.http).
 *
 * <pre>
 *   --rest-url http://jobmanager:8081    the JobManager's REST endpoint
 *   --jar &lt;path&gt;                         the runner jar, read here and uploaded
 *   --job &lt;name&gt;=&lt;script path&gt;          repeatable; the path is on the JobManager (/opt/flink/jobs/&lt;name&gt;.sql)
 *   --timeout-seconds &lt;n&gt;                how long to wait for the cluster (default 300)
 * </pre>
 */
public final class DockerSubmitter {
  private static final JsonLog LOG = new JsonLog("flink-submitter");
  /** States of a job that is alive (or about to be), so it must not be submitted again. */
  private static final Set<String> ALIVE = Set.of("INITIALIZING", "CREATED", "RUNNING", "RESTARTING", "RECONCILING");
  private static final Duration POLL = Duration.ofSeconds(2);

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String restUrl;

  private DockerSubmitter(String restUrl) {
    this.restUrl = restUrl.replaceAll("/+$", "");
  }

  record Args(String restUrl, Path jar, Map<String, String> jobs, Duration timeout) {
    static Args parse(String[] args) {
      String rest = null;
      Path jar = null;
      Map<String, String> jobs = new LinkedHashMap<>();
      Duration timeout = Duration.ofSeconds(300);
      for (int i = 0; i < args.length; i++) {
        String flag = args[i];
        if (!Set.of("--rest-url", "--jar", "--job", "--timeout-seconds").contains(flag)) {
          throw new IllegalArgumentException("unknown argument '" + flag + "'; allowed: --rest-url <url>, --jar <path>, --job <name>=<script path>, --timeout-seconds <n>");
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
          default -> {
            try {
              timeout = Duration.ofSeconds(Long.parseLong(v));
            } catch (NumberFormatException e) {
              throw new IllegalArgumentException("--timeout-seconds must be a whole number, got '" + v + "'");
            }
          }
        }
      }
      if (rest == null) throw new IllegalArgumentException("--rest-url is required");
      if (jar == null) throw new IllegalArgumentException("--jar is required");
      if (!Files.isReadable(jar)) throw new IllegalArgumentException("--jar " + jar + " is not a readable file");
      if (jobs.isEmpty()) throw new IllegalArgumentException("at least one --job <name>=<script path> is required");
      return new Args(rest, jar, jobs, timeout);
    }
  }

  public static void main(String[] argv) {
    try {
      Args args = Args.parse(argv);
      new DockerSubmitter(args.restUrl()).submit(args);
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

  private void submit(Args args) throws SubmitException, InterruptedException {
    long deadline = System.nanoTime() + args.timeout().toNanos();
    waitFor("the JobManager REST API and a TaskManager", deadline, () -> number(overview(), "slots-total") >= 1);
    Map<String, String> alive = aliveJobs();
    List<String> pending = new ArrayList<>();
    for (String name : args.jobs().keySet()) {
      if (alive.containsKey(name)) {
        LOG.info("job already alive, not submitted", "job", name, "state", alive.get(name));
      } else {
        pending.add(name);
      }
    }
    if (pending.isEmpty()) {
      LOG.info("nothing to submit");
      return;
    }
    waitFor("a free task slot", deadline, () -> number(overview(), "slots-available") >= 1);
    String jarId = upload(args.jar());
    for (String name : pending) {
      String jobId = run(jarId, name, args.jobs().get(name));
      LOG.info("submitted", "job", name, "jobId", jobId);
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

  private Map<String, String> aliveJobs() throws SubmitException, InterruptedException {
    try {
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
    } catch (IOException e) {
      throw new SubmitException("cannot list jobs at " + restUrl + ": " + e.getMessage());
    }
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

  private String run(String jarId, String name, String script) throws SubmitException, InterruptedException {
    String body = "{\"entryClass\":\"" + SqlRunner.class.getName() + "\",\"programArgsList\":[\"--script\"," + JsonLog.quote(script) + "]}";
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
