package dev.dockerfilter.redact;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces secrets in one JSON document from the engine, wherever they sit in it.
 *
 * <p>Environment variables are arrays named {@code Env}, of {@code "NAME=value"} strings
 * (containers, images, services, tasks, plugin settings) or of {@code {"Name":…,"Value":…}} objects
 * (a plugin's config): {@code "DB_PASSWORD=hunter2"} becomes {@code "DB_PASSWORD=<redacted>"}, so
 * the names stay readable. Join tokens are the string fields of an object named {@code JoinTokens}.
 *
 * <p>An image's Dockerfile shows as well, and its {@code ENV} and {@code ARG} lines are hidden
 * whole: a history entry's {@code CreatedBy}, an {@code OnBuild} trigger, and the command the
 * classic builder records for each step in {@code Cmd} ({@code ContainerConfig.Cmd} of an image,
 * {@code Config.Cmd} and {@code Args} of a build's container) and in the {@code Command} of a
 * container list: {@code ["/bin/sh","-c","#(nop) ","ENV A=1"]} becomes {@code
 * ["/bin/sh","-c","#(nop) ","<redacted>"]}. A {@code RUN}'s build arguments in {@code Cmd}, {@code
 * ["|1","A=1","/bin/sh","-c","make"]}, are variables like {@code Env}'s and keep their names.
 *
 * <p>Everything else is written back as it was read: field order, numbers as written, and the
 * trailing newline the engine ends its answers with.
 */
final class JsonRedactor {
  /** What replaces a secret value. */
  static final String REDACTED = "<redacted>";

  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();

  // Image history and ONBUILD triggers spell out the Dockerfile: "ENV A=1" (BuildKit), "/bin/sh
  // -c #(nop)  ENV A=1" (the classic builder), "ARG A=1", and a RUN's build arguments ahead of
  // its command, "|1 A=1 /bin/sh -c …" or "RUN |1 A=1 …". Any such text is hidden whole.
  private static final Pattern SETS_VARIABLES =
      Pattern.compile("(?i)(?:^|\\s)(?:ENV|ARG)\\s|^\\s*(?:RUN\\s+)?\\|");

  // The classic builder commits each step with a command that shows it: a comment after the
  // shell for ENV, ARG, ONBUILD and the like, ["/bin/sh", "-c", "#(nop) ", "ENV A=1"] (one word,
  // "#(nop) ENV A=1", from older engines); and the build arguments a RUN used ahead of its
  // command, ["|2", "A=1", "B=2", "/bin/sh", "-c", "make"].
  private static final String NOP = "#(nop)";
  private static final Pattern BUILD_ARGUMENT_COUNT = Pattern.compile("\\|([0-9]{1,4})");

  // A container list joins that command into one string, quoting words with spaces:
  // "/bin/sh -c '#(nop) ' 'ENV A=1'", or "|1 A=1 /bin/sh -c make".
  private static final Pattern LISTED_BUILD_ARGUMENTS = Pattern.compile("^\\|[0-9]+\\s");

  private final boolean env;
  private final boolean joinTokens;
  private final Set<String> keptEnvNames;

  JsonRedactor(boolean env, boolean joinTokens, Set<String> keptEnvNames) {
    this.env = env;
    this.joinTokens = joinTokens;
    this.keptEnvNames = Set.copyOf(keptEnvNames);
  }

  /** As {@link #redact(InputStream, int, boolean)}, for an answer held as one array. */
  byte[] redact(byte[] body) throws RedactionException {
    boolean newline = body.length > 0 && body[body.length - 1] == '\n';
    return redact(new ByteArrayInputStream(body), body.length, newline);
  }

  /**
   * Copies BODY, one JSON document of about SIZE bytes, token by token, rewriting only the fields
   * that hold secrets; so memory beyond the answer itself is the small subtrees rewritten.
   *
   * @param newline whether to end the copy with a newline, as the engine ends its answers
   * @throws RedactionException when BODY is not exactly one JSON document
   */
  byte[] redact(InputStream body, int size, boolean newline) throws RedactionException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(size + size / 8 + 64);
    try (JsonParser parser = JSON.createParser(body);
        JsonGenerator generator = JSON.createGenerator(out)) {
      // {"Id":…,"Config":{…}} or [{…},{…}]: exactly one value, nothing after it.
      if (parser.nextToken() == null) {
        throw new RedactionException("the engine's answer is empty", null);
      }
      copy(parser, generator);
      if (parser.nextToken() != null) {
        throw new RedactionException("the engine's answer holds more than one JSON value", null);
      }
      generator.flush();
    } catch (IOException e) {
      throw new RedactionException("the engine's answer is not JSON", e);
    }
    if (newline) {
      out.write('\n');
    }
    return out.toByteArray();
  }

  /** Copies the value at the parser's current token, with everything inside it. */
  private void copy(JsonParser parser, JsonGenerator generator) throws IOException {
    switch (parser.currentToken()) {
      case START_OBJECT -> {
        generator.writeStartObject();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String name = parser.currentName();
          generator.writeFieldName(name);
          parser.nextToken();
          copyField(name, parser, generator);
        }
        generator.writeEndObject();
      }
      case START_ARRAY -> {
        generator.writeStartArray();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
          copy(parser, generator);
        }
        generator.writeEndArray();
      }
      case VALUE_STRING -> generator.writeString(parser.getText());
        // The number as the engine wrote it: 1.10 stays 1.10, 2^70 stays whole.
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> generator.writeNumber(parser.getText());
      default -> generator.copyCurrentEvent(parser);
    }
  }

  /** Copies the value of the field NAME, rewritten when it holds secrets. */
  private void copyField(String name, JsonParser parser, JsonGenerator generator)
      throws IOException {
    if (!holdsSecrets(name, parser.currentToken())) {
      copy(parser, generator);
      return;
    }
    // These values are small: read each as a tree, rewrite it, write it back.
    ObjectNode holder = JSON.createObjectNode();
    holder.set(name, JSON.readTree(parser));
    walk(holder);
    JSON.writeTree(generator, holder.get(name));
  }

  private boolean holdsSecrets(String name, JsonToken token) {
    if (joinTokens && name.equals("JoinTokens")) {
      return token == JsonToken.START_OBJECT;
    }
    if (!env) {
      return false;
    }
    return switch (name) {
      case "Env", "OnBuild", "Cmd", "Args" -> token == JsonToken.START_ARRAY;
      case "CreatedBy" -> token == JsonToken.VALUE_STRING;
      case "Command" -> token == JsonToken.VALUE_STRING || token == JsonToken.START_ARRAY;
      default -> false;
    };
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
      } else if (env && isCommand(field.getKey()) && value instanceof ArrayNode words) {
        redactBuildStep(words);
      } else if (env && field.getKey().equals("Command") && value.isTextual()) {
        redactListedBuildStep(object, field.getKey(), value.asText());
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
        redactVariable(variables, i);
      } else if (variable instanceof ObjectNode described) {
        // A plugin's config: {"Name": "DEBUG", "Value": "0", "Settable": ["value"], …}
        JsonNode name = described.get("Name");
        if (name == null || !keptEnvNames.contains(name.asText())) {
          redactText(described, "Value", described.get("Value"));
        }
      }
    }
  }

  /** Hides the value of the "NAME=value" at INDEX; a bare "NAME" has no value to hide. */
  private void redactVariable(ArrayNode variables, int index) {
    String text = variables.get(index).asText();
    int equals = text.indexOf('=');
    if (equals >= 0 && !keptEnvNames.contains(text.substring(0, equals))) {
      variables.set(index, TextNode.valueOf(text.substring(0, equals + 1) + REDACTED));
    }
  }

  private static boolean isCommand(String field) {
    return field.equals("Cmd") || field.equals("Args") || field.equals("Command");
  }

  /**
   * Hides what a classic build step's command holds of ENV and ARG: the values of a RUN's build
   * arguments, and from a "#(nop)" comment on, each word that sets variables, as in history.
   */
  private void redactBuildStep(ArrayNode words) {
    // ["|2", "A=1", "B=2", "/bin/sh", "-c", "make"]: the count, then that many variables.
    Matcher count = BUILD_ARGUMENT_COUNT.matcher(words.path(0).asText());
    if (count.matches()) {
      int last = Math.min(Integer.parseInt(count.group(1)), words.size() - 1);
      for (int i = 1; i <= last; i++) {
        if (words.get(i).isTextual()) {
          redactVariable(words, i);
        }
      }
    }

    // ["/bin/sh", "-c", "#(nop) ", "ENV A=1"]: the step's text follows the comment mark.
    boolean comment = false;
    for (int i = 0; i < words.size(); i++) {
      comment = comment || words.get(i).asText().startsWith(NOP);
      if (comment && setsVariables(words.get(i))) {
        words.set(i, TextNode.valueOf(REDACTED));
      }
    }
  }

  /** A listed command that shows a build step setting variables is hidden whole. */
  private static void redactListedBuildStep(ObjectNode owner, String field, String command) {
    // "/bin/sh -c '#(nop) ' 'ENV A=1'": the quotes are the list's, not the step's.
    int nop = command.indexOf(NOP);
    boolean setsVariables =
        nop >= 0 && SETS_VARIABLES.matcher(command.substring(nop).replace('\'', ' ')).find();
    if (setsVariables || LISTED_BUILD_ARGUMENTS.matcher(command).find()) {
      owner.put(field, REDACTED);
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
