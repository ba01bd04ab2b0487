package dev.dockerfilter.transport;

import dev.dockerfilter.config.Endpoint;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.EnumSet;
import java.util.Set;

/** Prepares, secures and removes the socket files of unix listeners. */
final class SocketFiles {
  private SocketFiles() {}

  /**
   * Makes sure {@code path} can be bound: creates its directory, leaves a live socket or any other
   * file alone (an error), and deletes a stale socket that nothing answers on.
   */
  static void prepare(Path path) throws ListenerException {
    createParent(path);
    if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (!isSocket(path)) {
      throw new ListenerException(
          "listen path exists and is not a socket: '"
              + path
              + "' (remove it or choose another --listen path)");
    }
    if (answers(path)) {
      throw new ListenerException(
          "another process is listening on '"
              + path
              + "' (stop it, or choose another --listen path)");
    }
  }

  /**
   * The name a socket is bound under before it is secured and renamed into place. It has the same
   * length as the final path so it fits wherever the final path fits.
   */
  static Path temporaryName(Path path) {
    String name = path.getFileName().toString();
    Path hidden = path.resolveSibling("." + name);
    if (hidden.toString().getBytes(StandardCharsets.UTF_8).length <= Endpoint.MAX_UNIX_PATH_BYTES) {
      return hidden;
    }
    // At the length limit: swap the first character instead, which never gives "." or "..".
    char first = name.charAt(0) == '~' ? '-' : '~';
    return path.resolveSibling(first + name.substring(1));
  }

  /** Sets mode and group on a freshly bound socket file, before anyone can connect to it. */
  static void secure(Path socket, int mode, String group) throws ListenerException {
    try {
      Files.setPosixFilePermissions(socket, permissions(mode));
      if (!group.isEmpty()) {
        setGroup(socket, group);
      }
    } catch (IOException | UnsupportedOperationException e) {
      throw new ListenerException("cannot set mode/group of the socket: " + e.getMessage(), e);
    }
  }

  /**
   * The identity (device and inode) of the file at {@code path}, so that shutdown can tell our
   * socket from one that a newer instance bound at the same path since.
   */
  static Object identity(Path path) throws IOException {
    return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
        .fileKey();
  }

  /** Removes the socket file at {@code path} if it is still the one with {@code identity}. */
  static void removeIfSame(Path path, Object identity) {
    try {
      if (isSocket(path) && identity.equals(identity(path))) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      // Already gone or replaced: nothing of ours is left to remove.
    }
  }

  /** Removes a socket file left at {@code path}; a file that is not a socket is left alone. */
  static void remove(Path path) {
    try {
      if (isSocket(path)) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      // Nothing to do: the next start replaces a stale socket file anyway.
    }
  }

  static boolean isSocket(Path path) {
    try {
      Object other = Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
      return ((Integer) other & 0170000) == 0140000;
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return false;
    }
  }

  private static void createParent(Path path) throws ListenerException {
    Path parent = path.getParent();
    try {
      Files.createDirectories(parent);
    } catch (IOException e) {
      throw new ListenerException(
          "cannot create the directory of '" + path + "': " + e.getMessage(), e);
    }
  }

  private static boolean answers(Path path) {
    try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      probe.connect(UnixDomainSocketAddress.of(path));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static void setGroup(Path socket, String group) throws IOException {
    if (group.chars().allMatch(Character::isDigit)) {
      // A numeric gid need not have a name in /etc/group; chown takes the number as it is.
      Files.setAttribute(socket, "unix:gid", Integer.parseInt(group), LinkOption.NOFOLLOW_LINKS);
      return;
    }
    GroupPrincipal principal;
    try {
      principal =
          socket.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName(group);
    } catch (UserPrincipalNotFoundException e) {
      throw new IOException(
          "unknown group: '" + group + "' (expected a group name from /etc/group or a gid)", e);
    }
    Files.getFileAttributeView(socket, PosixFileAttributeView.class).setGroup(principal);
  }

  private static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] bits = {
      PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
      PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE,
      PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
      PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
      PosixFilePermission.OWNER_READ
    };
    for (int i = 0; i < bits.length; i++) {
      if ((mode & (1 << i)) != 0) {
        set.add(bits[i]);
      }
    }
    return set;
  }
}
