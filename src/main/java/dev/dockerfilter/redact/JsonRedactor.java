package dev.dockerfilter.redact;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Replaces secrets in one JSON document from the engine, wherever they sit in it.
 *
 * <p>Environment variables are arrays named {@code Env}, of {@code "NAME=value"} strings
 * (containers, images, services, tasks, plugin settings) or of {@code {"Name":…,"Value":…}} objects
 * (a plugin's config): {@code "DB_PASSWORD=hunter2"} becomes {@code "DB_PASSWORD=<redacted>"}, so
 * the names stay readable. Join tokens are the string fields of an object named {@code JoinTokens}.
 *
 * <p>Everything else is written back as it was read: field order, numbers as written, and the
 * trailing newline the engine ends its answers with.
 */
final class JsonRedactor {
  /** What replaces a secret value. */
  static final String REDACTED = "<redacted>";

  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
          .build();

  // Image history and ONBUILD triggers spell out the Dockerfile: "ENV A=1" (BuildKit), "/bin/sh
  // -c #(nop)  ENV A=1" (the classic builder), "ARG A=1", and a RUN's build arguments ahead of
  // its command, "|1 A=1 /bin/sh -c …" or "RUN |1 A=1 …". Any such text is hidden whole.
  private static final Pattern SETS_VARIABLES =
      Pattern.compile("(?i)(?:^|\\s)(?:ENV|ARG)\\s|^\\s*(?:RUN\\s+)?\\|");

  private final boolean env;
  private final boolean joinTokens;
  private final Set<String> keptEnvNames;

  JsonRedactor(boolean env, boolean joinTokens, Set<String> keptEnvNames) {
    this.env = env;
    this.joinTokens = joinTokens;
    this.keptEnvNames = Set.copyOf(keptEnvNames);
  }

  byte[] redact(byte[] body) throws RedactionException {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (IOException e) {
      throw new RedactionException("the engine's answer is not JSON", e);
    }
    if (root == null || root.isMissingNode()) {
      throw new RedactionException("the engine's answer is empty", null);
    }

    walk(root);

    try {
      byte[] written = JSON.writeValueAsBytes(root);
      boolean newline = body.length > 0 && body[body.length - 1] == '\n';
      if (!newline) {
        return written;
      }
      byte[] withNewline = new byte[written.length + 1];
      System.arraycopy(written, 0, withNewline, 0, written.length);
      withNewline[written.length] = '\n';
      return withNewline;
    } catch (JsonProcessingException e) {
      throw new RedactionException("the redacted answer could not be written", e);
    }
  }

  private void walk(JsonNode node) {
    if (node instanceof ArrayNode array) {
      array.forEach(this::walk);
      return;
    }
    if (!(node instanceof ObjectNode object)) {
      return;
    }
    for (Map.Entry<String, JsonNode> field : object.properties()) {
      JsonNode value = field.getValue();
      if (env && field.getKey().equals("Env") && value instanceof ArrayNode variables) {
        redactVariables(variables);
      } else if (env && field.getKey().equals("CreatedBy")) {
        redactInstruction(object, field.getKey(), value);
      } else if (env && field.getKey().equals("OnBuild") && value instanceof ArrayNode triggers) {
        for (int i = 0; i < triggers.size(); i++) {
          if (setsVariables(triggers.get(i))) {
            triggers.set(i, TextNode.valueOf(REDACTED));
          }
        }
      } else if (joinTokens
          && field.getKey().equals("JoinTokens")
          && value instanceof ObjectNode tokens) {
        tokens.properties().forEach(token -> redactText(tokens, token.getKey(), token.getValue()));
      } else {
        walk(value);
      }
    }
  }

  private void redactVariables(ArrayNode variables) {
    for (int i = 0; i < variables.size(); i++) {
      JsonNode variable = variables.get(i);
      if (variable.isTextual()) {
        // "NAME=value"; a bare "NAME" has no value to hide.
        String text = variable.asText();
        int equals = text.indexOf('=');
        if (equals >= 0 && !keptEnvNames.contains(text.substring(0, equals))) {
          variables.set(i, TextNode.valueOf(text.substring(0, equals + 1) + REDACTED));
        }
      } else if (variable instanceof ObjectNode described) {
        // A plugin's config: {"Name": "DEBUG", "Value": "0", "Settable": ["value"], …}
        JsonNode name = described.get("Name");
        if (name == null || !keptEnvNames.contains(name.asText())) {
          redactText(described, "Value", described.get("Value"));
        }
      }
    }
  }

  /** A history entry's instruction that sets variables ("ENV DB_PASSWORD=…") hides it whole. */
  private static void redactInstruction(ObjectNode owner, String field, JsonNode value) {
    if (setsVariables(value)) {
      owner.put(field, REDACTED);
    }
  }

  private static boolean setsVariables(JsonNode instruction) {
    return instruction != null
        && instruction.isTextual()
        && SETS_VARIABLES.matcher(instruction.asText()).find();
  }

  private static void redactText(ObjectNode owner, String field, JsonNode value) {
    if (value != null && value.isTextual() && !value.asText().isEmpty()) {
      owner.put(field, REDACTED);
    }
  }
}
