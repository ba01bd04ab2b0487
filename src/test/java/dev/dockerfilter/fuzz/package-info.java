/**
 * Coverage-guided fuzz tests (Jazzer) over the request path: parse, canonicalise, decide, forward.
 *
 * <p>Every {@code mvn test} runs each fuzz test twice: once on its seed inputs only (the files
 * under {@code src/test/resources/dev/dockerfilter/fuzz/<Class>Inputs/<method>/}, which are also
 * where Jazzer writes a crashing input, so that every finding becomes a regression test), and once
 * fuzzed for {@code fuzz.duration} (10 s) in a JVM of its own, since Jazzer fuzzes one test per
 * JVM.
 *
 * <p>The long round, one test at a time:
 *
 * <pre>
 * mvn -B test -Dfuzz.duration=30m -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 *
 * <p>Inputs that found new coverage are kept in {@code .cifuzz-corpus/} (not committed) and seed
 * the next round.
 */
package dev.dockerfilter.fuzz;
