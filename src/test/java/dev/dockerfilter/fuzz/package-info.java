/**
 * Coverage-guided fuzz tests (Jazzer) over the request path: parse, canonicalise, decide, forward.
 *
 * <p>Every {@code mvn test} runs each fuzz test on its seed inputs (the files under {@code
 * src/test/resources/dev/dockerfilter/fuzz/<Class>Inputs/<method>/}, which are also where Jazzer
 * writes a crashing input, so that every finding becomes a regression test), and fuzzes {@code
 * DecisionFuzzTest} for {@code fuzz.duration} (10 s) in a JVM of its own, since Jazzer fuzzes one
 * test per JVM. {@code ProxyFuzzTest} drives real sockets, and its short round was not repeatable
 * on two shared cores, so it is fuzzed in the long round only.
 *
 * <p>The long round, both tests, one at a time:
 *
 * <pre>
 * mvn -B test -Dfuzz.duration=30m -Dfuzz.proxy.skip=false -Dtest=none  *     -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 *
 * <p>Inputs that found new coverage are kept in {@code .cifuzz-corpus/} (not committed) and seed
 * the next round.
 */
package dev.dockerfilter.fuzz;
