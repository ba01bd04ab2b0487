package dev.dockerfilter.redact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class JsonRedactorTest {
  private static final JsonRedactor ALL = new JsonRedactor(true, true, Set.of("DD_ENV"));

  private static String redact(JsonRedactor redactor, String json) throws RedactionException {
    byte[] answer = json.getBytes(StandardCharsets.UTF_8);
    return new String(redactor.redact(answer), StandardCharsets.UTF_8);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          # what                     | engine's answer                                                   | client sees
          container inspect          | {"Id":"a","Config":{"Env":["DB_PASSWORD=hunter2","PATH=/bin"]}}   | {"Id":"a","Config":{"Env":["DB_PASSWORD=<redacted>","PATH=<redacted>"]}}
          a kept name                | {"Config":{"Env":["DD_ENV=prod","DD_API_KEY=k"]}}                 | {"Config":{"Env":["DD_ENV=prod","DD_API_KEY=<redacted>"]}}
          a value holding '='        | {"Env":["TOKEN=a=b=c"]}                                           | {"Env":["TOKEN=<redacted>"]}
          a bare name has no value   | {"Env":["HOME"]}                                                  | {"Env":["HOME"]}
          an empty value             | {"Env":["EMPTY="]}                                                | {"Env":["EMPTY=<redacted>"]}
          null Env                   | {"Config":{"Env":null}}                                           | {"Config":{"Env":null}}
          image: two places          | {"Config":{"Env":["A=1"]},"ContainerConfig":{"Env":["B=2"]}}      | {"Config":{"Env":["A=<redacted>"]},"ContainerConfig":{"Env":["B=<redacted>"]}}
          service list, deep         | [{"Spec":{"TaskTemplate":{"ContainerSpec":{"Env":["S=x"]}}}}]     | [{"Spec":{"TaskTemplate":{"ContainerSpec":{"Env":["S=<redacted>"]}}}}]
          plugin config objects      | {"Config":{"Env":[{"Name":"KEY","Value":"v","Settable":["value"]}]}} | {"Config":{"Env":[{"Name":"KEY","Value":"<redacted>","Settable":["value"]}]}}
          plugin kept name           | {"Config":{"Env":[{"Name":"DD_ENV","Value":"v"}]}}                | {"Config":{"Env":[{"Name":"DD_ENV","Value":"v"}]}}
          swarm join tokens          | {"ID":"s","JoinTokens":{"Worker":"SWMTKN-1-w","Manager":"SWMTKN-1-m"}} | {"ID":"s","JoinTokens":{"Worker":"<redacted>","Manager":"<redacted>"}}
          history: classic ENV       | [{"CreatedBy":"/bin/sh -c #(nop)  ENV API_TOKEN=s3"},{"CreatedBy":"/bin/sh -c #(nop)  CMD sh"}] | [{"CreatedBy":"<redacted>"},{"CreatedBy":"/bin/sh -c #(nop)  CMD sh"}]
          history: BuildKit ENV, ARG | [{"CreatedBy":"ENV A=1 B=2"},{"CreatedBy":"ARG PW=x"},{"CreatedBy":""}] | [{"CreatedBy":"<redacted>"},{"CreatedBy":"<redacted>"},{"CreatedBy":""}]
          image ONBUILD triggers     | {"Config":{"OnBuild":["ENV ONB=s","RUN make"]}}                   | {"Config":{"OnBuild":["<redacted>","RUN make"]}}
          classic build: ENV step    | {"ContainerConfig":{"Cmd":["/bin/sh","-c","#(nop) ","ENV PW=s"]}} | {"ContainerConfig":{"Cmd":["/bin/sh","-c","#(nop) ","<redacted>"]}}
          classic build: ARG step    | {"ContainerConfig":{"Cmd":["/bin/sh","-c","#(nop) ","ARG PW=s"]}} | {"ContainerConfig":{"Cmd":["/bin/sh","-c","#(nop) ","<redacted>"]}}
          classic build: ONBUILD     | {"ContainerConfig":{"Cmd":["/bin/sh","-c","#(nop) ","ONBUILD ENV X=s"],"OnBuild":["ENV X=s"]}} | {"ContainerConfig":{"Cmd":["/bin/sh","-c","#(nop) ","<redacted>"],"OnBuild":["<redacted>"]}}
          older engines: one word    | {"ContainerConfig":{"Cmd":["/bin/sh","-c","#(nop) ENV PW=s"]}}    | {"ContainerConfig":{"Cmd":["/bin/sh","-c","<redacted>"]}}
          a build's container        | {"Path":"/bin/sh","Args":["-c","#(nop) ","ENV PW=s"],"Config":{"Cmd":["/bin/sh","-c","#(nop) ","ENV PW=s"]}} | {"Path":"/bin/sh","Args":["-c","#(nop) ","<redacted>"],"Config":{"Cmd":["/bin/sh","-c","#(nop) ","<redacted>"]}}
          other build steps          | {"Cmd":["/bin/sh","-c","#(nop) ","LABEL a=b"],"Entrypoint":null}  | {"Cmd":["/bin/sh","-c","#(nop) ","LABEL a=b"],"Entrypoint":null}
          commands that are no step  | {"Cmd":["sh","-c","env ENV=1 ARG x"],"Args":["env","A=1","app"]} | {"Cmd":["sh","-c","env ENV=1 ARG x"],"Args":["env","A=1","app"]}
          a service's command        | {"ContainerSpec":{"Command":["env"],"Args":["A=1","app"]}}      | {"ContainerSpec":{"Command":["env"],"Args":["A=1","app"]}}
          other fields untouched     | {"Labels":{"Env":"x"},"Args":["--password","p"],"Size":12}        | {"Labels":{"Env":"x"},"Args":["--password","p"],"Size":12}
          numbers as written         | {"Cpu":1.10,"Big":123456789012345678901234567890,"E":1e3}         | {"Cpu":1.10,"Big":123456789012345678901234567890,"E":1e3}
          """)
  void replacesSecretValuesAndNothingElse(String what, String answer, String expected)
      throws RedactionException {
    assertThat(redact(ALL, answer)).as(what).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"|1 PW=x /bin/sh -c make", "RUN |1 PW=x /bin/sh -c make"})
  void hidesTheBuildArgumentsOfAHistoryEntry(String createdBy) throws RedactionException {
    String answer = "[{\"CreatedBy\":\"" + createdBy + "\",\"Size\":0}]";
    assertThat(redact(ALL, answer)).isEqualTo("[{\"CreatedBy\":\"<redacted>\",\"Size\":0}]");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = ';',
      quoteCharacter = '`',
      textBlock =
          """
          # what                     ; engine's answer                                              ; client sees
          a RUN's build arguments    ; {"Cmd":["|1","PW=s","/bin/sh","-c","make"]}                  ; {"Cmd":["|1","PW=<redacted>","/bin/sh","-c","make"]}
          a kept build argument      ; {"Cmd":["|2","DD_ENV=prod","PW=s","/bin/sh","-c","make"]}     ; {"Cmd":["|2","DD_ENV=prod","PW=<redacted>","/bin/sh","-c","make"]}
          only the counted words     ; {"Cmd":["|1","PW=s","env","A=1"]}                            ; {"Cmd":["|1","PW=<redacted>","env","A=1"]}
          a count past the end       ; {"Cmd":["|3","PW=s"]}                                        ; {"Cmd":["|3","PW=<redacted>"]}
          container list: ENV step   ; [{"Id":"a","Command":"/bin/sh -c '#(nop) ' 'ENV PW=s'"}]     ; [{"Id":"a","Command":"<redacted>"}]
          container list: ARG step   ; [{"Command":"/bin/sh -c '#(nop) ' 'ARG PW=s'"}]              ; [{"Command":"<redacted>"}]
          container list: ONBUILD    ; [{"Command":"/bin/sh -c '#(nop) ' 'ONBUILD ENV X=s'"}]       ; [{"Command":"<redacted>"}]
          container list: build args ; [{"Command":"|1 PW=s /bin/sh -c make"}]                      ; [{"Command":"<redacted>"}]
          disk usage                 ; {"Containers":[{"Command":"/bin/sh -c '#(nop) ' 'ENV PW=s'"}]} ; {"Containers":[{"Command":"<redacted>"}]}
          container list: other step ; [{"Command":"/bin/sh -c '#(nop) ' 'LABEL a=b'"}]            ; [{"Command":"/bin/sh -c '#(nop) ' 'LABEL a=b'"}]
          container list: no step    ; [{"Command":"sh -c 'export ENV=1 ARG=2'"},{"Command":""}]   ; [{"Command":"sh -c 'export ENV=1 ARG=2'"},{"Command":""}]
          """)
  void hidesTheDockerfileStepsOfAClassicBuild(String what, String answer, String expected)
      throws RedactionException {
    assertThat(redact(ALL, answer)).as(what).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"{\"Env\":[\"A=1\"]}\n", "[]\n"})
  void keepsTheEnginesTrailingNewline(String answer) throws RedactionException {
    assertThat(redact(ALL, answer)).endsWith("\n").doesNotContain("=1");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          env only   | true  | false | {"Env":["A=<redacted>"],"Cmd":["<redacted>"],"JoinTokens":{"Worker":"w"}}
          swarm only | false | true  | {"Env":["A=1"],"Cmd":["#(nop) ENV A=1"],"JoinTokens":{"Worker":"<redacted>"}}
          """)
  void redactsOnlyWhatWasChosen(String what, boolean env, boolean swarm, String expected)
      throws RedactionException {
    JsonRedactor chosen = new JsonRedactor(env, swarm, Set.of());
    String answer =
        "{\"Env\":[\"A=1\"],\"Cmd\":[\"#(nop) ENV A=1\"],\"JoinTokens\":{\"Worker\":\"w\"}}";
    assertThat(redact(chosen, answer)).as(what).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "not json",
        "{\"Env\":[\"A=1\"]",
        "{\"Env\":[\"A=1\"]} {\"Env\":[\"B=2\"]}",
        "{\"Env\":[\"A=1\"],\"Env\":[\"B=2\"]}",
        "<html>502</html>"
      })
  void refusesWhatIsNotExactlyOneJsonDocument(String answer) {
    assertThatThrownBy(() -> redact(ALL, answer)).isInstanceOf(RedactionException.class);
  }
}
