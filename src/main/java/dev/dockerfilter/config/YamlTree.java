package dev.dockerfilter.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * A YAML document read into plain nodes that remember where they were written, so that every error
 * about a value can name its line.
 *
 * <p>Scalars are kept as the text written ({@code 0660} stays {@code 0660}, {@code yes} stays
 * {@code yes}); each key decides how to read its value. Anchors and aliases, duplicate keys and
 * several documents in one file are refused: a config is read one way only.
 */
final class YamlTree {

  /** Where a node starts in the file, 1-based. */
  record Location(int line, int column) {
    static Location of(JsonLocation location) {
      return new Location(location.getLineNr(), location.getColumnNr());
    }

    @Override
    public String toString() {
      return line + ":" + column;
    }
  }

  /** A node of the tree. */
  sealed interface Node permits Scalar, Mapping, Sequence {
    Location location();

    /** What the node is, for messages: "a text", "a list", "a mapping". */
    String kind();
  }

  /**
   * A scalar as written; {@code text} is "" for an empty or null value ({@code key:}, {@code ~}).
   */
  record Scalar(String text, boolean isNull, Location location) implements Node {
    @Override
    public String kind() {
      return isNull ? "an empty value" : "a value";
    }
  }

  /** A mapping in the order written; each entry keeps the location of its key. */
  record Mapping(Map<String, Entry> entries, Location location) implements Node {
    @Override
    public String kind() {
      return "a mapping";
    }
  }

  /** One key of a mapping and its value. */
  record Entry(String key, Location keyLocation, Node value) {}

  /** A sequence in order. */
  record Sequence(List<Node> items, Location location) implements Node {
    @Override
    public String kind() {
      return "a list";
    }
  }

  /** Thrown with the location of a YAML-level problem; the caller adds the file name. */
  static final class YamlException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient Location location;

    YamlException(String message, Location location) {
      super(message);
      this.location = location;
    }

    Location location() {
      return location;
    }
  }

  private final JsonParser parser;

  private YamlTree(JsonParser parser) {
    this.parser = parser;
  }

  /** Reads one YAML document; an empty document is an empty mapping. */
  static Node read(String text) throws YamlException {
    try (JsonParser parser = new YAMLFactory().createParser(text)) {
      YamlTree tree = new YamlTree(parser);
      JsonToken first = parser.nextToken();
      if (first == null) {
        return new Mapping(Map.of(), new Location(1, 1));
      }
      Node root = tree.node(first);
      if (parser.nextToken() != null) {
        throw new YamlException(
            "more than one YAML document in the file: '---' (expected a single document)",
            tree.here());
      }
      return root;
    } catch (JsonProcessingException e) {
      throw syntaxError(e);
    } catch (IOException e) {
      throw new YamlException("cannot read YAML: " + e.getMessage(), new Location(1, 1));
    }
  }

  /**
   * A syntax error at the YAML scanner's own position of the problem when it gives one: Jackson's
   * is that of the last good token, which for a TAB that starts line 2 is the end of line 1.
   */
  private static YamlException syntaxError(JsonProcessingException e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof MarkedYAMLException marked
          && marked.getProblemMark() != null
          && marked.getProblem() != null) {
        Mark mark = marked.getProblemMark();
        String context = marked.getContext() == null ? "" : marked.getContext() + ": ";
        return new YamlException(
            "YAML syntax: " + oneLine(context + marked.getProblem()),
            new Location(mark.getLine() + 1, mark.getColumn() + 1));
      }
    }
    JsonLocation where = e.getLocation();
    return new YamlException(
        "YAML syntax: " + oneLine(e.getOriginalMessage()),
        where == null ? new Location(1, 1) : Location.of(where));
  }

  private static String oneLine(String message) {
    return message.strip().replace('\n', ' ');
  }

  private Node node(JsonToken token) throws IOException, YamlException {
    Location location = here();
    switch (token) {
      case START_OBJECT:
        return mapping(location);
      case START_ARRAY:
        return sequence(location);
      case VALUE_NULL:
        return new Scalar("", true, location);
      case VALUE_STRING:
      case VALUE_NUMBER_INT:
      case VALUE_NUMBER_FLOAT:
      case VALUE_TRUE:
      case VALUE_FALSE:
        if (parser instanceof YAMLParser yaml && yaml.isCurrentAlias()) {
          throw new YamlException(
              "YAML alias: '*" + parser.getText() + "' (expected the value written out)", location);
        }
        return new Scalar(parser.getText(), false, location);
      default:
        throw new YamlException("unexpected YAML token: '" + token + "'", location);
    }
  }

  private Mapping mapping(Location location) throws IOException, YamlException {
    Map<String, Entry> entries = new LinkedHashMap<>();
    JsonToken token;
    while ((token = parser.nextToken()) != JsonToken.END_OBJECT) {
      // FIELD_NAME "listeners", then its value
      String key = parser.currentName();
      Location keyLocation = here();
      Node value = node(parser.nextToken());
      if (entries.containsKey(key)) {
        throw new YamlException(
            "key given twice: '"
                + key
                + "' (first at line "
                + entries.get(key).keyLocation().line()
                + "; keep one)",
            keyLocation);
      }
      entries.put(key, new Entry(key, keyLocation, value));
    }
    return new Mapping(entries, location);
  }

  private Sequence sequence(Location location) throws IOException, YamlException {
    List<Node> items = new ArrayList<>();
    JsonToken token;
    while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
      items.add(node(token));
    }
    return new Sequence(items, location);
  }

  private Location here() {
    return Location.of(parser.currentTokenLocation());
  }
}
