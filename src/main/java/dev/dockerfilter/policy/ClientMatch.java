package dev.dockerfilter.policy;

import java.util.Objects;

/** Which clients a per-client rule of a listener is for. */
public sealed interface ClientMatch permits ClientMatch.UnixIds, ClientMatch.Network {

  /** Whether PEER is one of these clients; an {@link Peer.Unknown} peer never is. */
  boolean test(Peer peer);

  /** The match as check-config prints it, e.g. {@code uid=1000} or {@code cidr=10.0.0.0/8}. */
  String describe();

  /**
   * Unix-socket clients by the credentials the kernel gives ({@code SO_PEERCRED}): every id given
   * must match.
   *
   * @param uid the user id, or {@link #ANY}
   * @param gid the primary group id of the client process, or {@link #ANY}
   */
  record UnixIds(long uid, long gid) implements ClientMatch {
    /** Stands for "any id". */
    public static final long ANY = -1;

    public UnixIds {
      if (uid == ANY && gid == ANY) {
        throw new IllegalArgumentException(
            "client rule names neither uid nor gid: '-' (expected uid, gid or both)");
      }
      checkId("uid", uid);
      checkId("gid", gid);
    }

    @Override
    public boolean test(Peer peer) {
      return peer instanceof Peer.Unix unix
          && (uid == ANY || uid == Integer.toUnsignedLong(unix.uid()))
          && (gid == ANY || gid == Integer.toUnsignedLong(unix.gid()));
    }

    @Override
    public String describe() {
      if (gid == ANY) {
        return "uid=" + uid;
      }
      return uid == ANY ? "gid=" + gid : "uid=" + uid + " gid=" + gid;
    }

    private static void checkId(String what, long id) {
      // uid_t is 32 bits; 4294967295 is (uid_t) -1, which means "no change" to the kernel.
      if (id != ANY && (id < 0 || id > 4_294_967_294L)) {
        throw new IllegalArgumentException(
            what + " out of range: '" + id + "' (expected 0 to 4294967294)");
      }
    }
  }

  /** TCP clients whose address lies in a range. */
  record Network(Cidr range) implements ClientMatch {
    public Network {
      Objects.requireNonNull(range, "range");
    }

    @Override
    public boolean test(Peer peer) {
      return peer instanceof Peer.Tcp tcp && range.contains(tcp.address());
    }

    @Override
    public String describe() {
      return "cidr=" + range;
    }
  }
}
