package dev.dockerfilter.cli;

import picocli.CommandLine.IVersionProvider;

/** Reads the version that the build wrote into the jar's manifest. */
final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String version = Main.class.getPackage().getImplementationVersion();
    return new String[] {"docker-filter " + (version == null ? "(development build)" : version)};
  }
}
