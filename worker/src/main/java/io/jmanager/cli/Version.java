package io.jmanager.cli;

import picocli.CommandLine;

/** The version for {@code --version}, from the jar's manifest. */
final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = Version.class.getPackage().getImplementationVersion();
        return new String[] {"jmanager worker " + (v == null ? "(development build)" : v),
            "Java " + System.getProperty("java.version")};
    }
}
