package io.vmo.cli;

import io.vmo.protocol.Request;
import io.vmo.protocol.Response;
import io.vmo.protocol.Role;
import io.vmo.protocol.UserInfo;
import io.vmo.protocol.Users;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * {@code vmo users}: the daemon's users besides the token file's {@code owner}, each with a role and a personal
 * token (admins only).
 */
final class UsersCommand {

    final CommandSpec spec = Specs.command(
            this,
            "users",
            "Add, list and revoke the daemon's users (the token file's holder is `owner`, an admin). Roles: viewer"
                    + " reads jobs, logs and the catalog; operator also runs, cancels, attaches to and types into"
                    + " jobs; admin also manages users, login links for others and settings.");

    UsersCommand() {
        Specs.standardHelpOptions(spec);
        spec.addSubcommand("add", new Add().spec);
        spec.addSubcommand("list", new ListUsers().spec);
        spec.addSubcommand("revoke", new Revoke().spec);
    }

    static final class Add implements Callable<Integer> {
        final CommandSpec spec = Specs.command(
                this,
                "add",
                "Add a user and print its personal token, once (the daemon keeps only its hash). Its holder sets"
                        + " VMO_TOKEN to it, or passes a file holding it with --token-file.");
        private final DaemonOptions daemon = new DaemonOptions(spec);
        private final PositionalParamSpec name =
                Specs.add(spec, Specs.word("0", "NAME").description("The user's name: " + Users.NAME_RULE + "."));
        private final OptionSpec role = Specs.add(
                spec,
                OptionSpec.builder("--role")
                        .paramLabel("ROLE")
                        .type(String.class)
                        .required(true)
                        .description("viewer, operator or admin."));

        Add() {
            Specs.standardHelpOptions(spec);
        }

        @Override
        public Integer call() {
            Request.AddUser request;
            try (DaemonClient client = daemon.connect()) {
                try {
                    request = new Request.AddUser(client.nextId(), name.getValue(), Role.fromWire(role.getValue()));
                } catch (IllegalArgumentException e) {
                    throw new CliException(e.getMessage());
                }
                Response.UserAdded added = client.call(request, Response.UserAdded.class);
                Console console = new Console();
                console.err.println("user " + added.user().name() + " added, role "
                        + added.user().role().wireName()
                        + ". Its token, shown only now: give it to them; they set VMO_TOKEN to it (or keep it in a"
                        + " file, chmod 600, for --token-file).");
                console.out.println(added.token());
                console.flush();
                return 0;
            }
        }
    }

    static final class ListUsers implements Callable<Integer> {
        final CommandSpec spec =
                Specs.command(this, "list", "List the users: name, role, when added and by whom, when revoked.");
        private final DaemonOptions daemon = new DaemonOptions(spec);
        private final JsonOption json = new JsonOption(spec);

        ListUsers() {
            Specs.standardHelpOptions(spec);
        }

        @Override
        public Integer call() {
            List<UserInfo> users;
            try (DaemonClient client = daemon.connect()) {
                users = client.call(new Request.ListUsers(client.nextId()), Response.UserList.class)
                        .users();
            }
            Console console = new Console();
            if (json.enabled()) {
                json.print(console, users);
                return 0;
            }
            Table table = new Table("NAME", "ROLE", "CREATED", "BY", "REVOKED");
            table.row(Users.OWNER, Role.ADMIN.wireName(), "", "(the token file)", "");
            for (UserInfo user : users) {
                table.row(
                        user.name(),
                        user.role().wireName(),
                        Table.TIME.format(user.createdAt()),
                        user.createdBy(),
                        user.revokedAt() == null ? "" : Table.TIME.format(user.revokedAt()));
            }
            table.print(console);
            return 0;
        }
    }

    static final class Revoke implements Callable<Integer> {
        final CommandSpec spec = Specs.command(
                this,
                "revoke",
                "Revoke a user: its token is refused at once (on connections already open too) and its browser"
                        + " sessions end. Its name is not given again.");
        private final DaemonOptions daemon = new DaemonOptions(spec);
        private final PositionalParamSpec name =
                Specs.add(spec, Specs.word("0", "NAME").description("The user."));

        Revoke() {
            Specs.standardHelpOptions(spec);
        }

        @Override
        public Integer call() {
            try (DaemonClient client = daemon.connect()) {
                Response.UserRevoked revoked;
                try {
                    revoked = client.call(
                            new Request.RevokeUser(client.nextId(), name.getValue()), Response.UserRevoked.class);
                } catch (IllegalArgumentException e) {
                    throw new CliException(e.getMessage());
                }
                Console console = new Console();
                console.out.println("user " + revoked.user().name() + " revoked at "
                        + Table.TIME.format(revoked.user().revokedAt()) + "; " + revoked.sessionsEnded()
                        + " browser session(s) ended");
                console.flush();
                return 0;
            }
        }
    }
}
