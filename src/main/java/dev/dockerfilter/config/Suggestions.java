package dev.dockerfilter.config;

import java.util.List;

/** "Did you mean …?" for a misspelt key or name. */
final class Suggestions {
  private static final int MAX_DISTANCE = 2;

  /** The shortest word taken for the start of a longer choice, e.g. {@code ext} for extends. */
  private static final int MIN_PREFIX = 3;

  private Suggestions() {}

  /**
   * {@code "; did you mean 'upstream'?"} for {@code upsteam}, or for {@code listen} the one choice
   * that starts with it ({@code listeners}); "" when nothing is close.
   */
  static String didYouMean(String given, List<String> choices) {
    String best = null;
    int bestDistance = MAX_DISTANCE + 1;
    for (String choice : choices) {
      int distance = distance(given, choice);
      if (distance < bestDistance) {
        best = choice;
        bestDistance = distance;
      }
    }
    if (best == null) {
      best = onlyChoiceStartingWith(given, choices);
    }
    return best == null ? "" : "; did you mean '" + best + "'?";
  }

  /** The one choice that GIVEN begins, e.g. {@code listeners} for {@code listen}; else null. */
  private static String onlyChoiceStartingWith(String given, List<String> choices) {
    if (given.length() < MIN_PREFIX) {
      return null;
    }
    List<String> longer = choices.stream().filter(choice -> choice.startsWith(given)).toList();
    return longer.size() == 1 ? longer.get(0) : null;
  }

  /** Levenshtein distance: insertions, deletions and substitutions of one character. */
  private static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
