// The SQLite Store: Access tokens.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "server/storage/sqlite/sqlite_store_internal.h"

namespace glutecare::sqlite_store_internal {

absl::StatusOr<v1::AccessToken> SqliteStore::CreateAccessToken(
    const v1::AccessToken& token, absl::string_view secret_sha256) {
  GLUTECARE_ASSIGN_OR_RETURN(
      AccessTokenName name,
      AccessTokenName::Parse(token.name(), "access_token.name"));
  return Write<v1::AccessToken>(
      [&](Connection& db) -> absl::StatusOr<v1::AccessToken> {
        GLUTECARE_ASSIGN_OR_RETURN(int64_t clinic_pk,
                                   ClinicPk(db, name.parent()));
        GLUTECARE_ASSIGN_OR_RETURN(
            Statement stmt,
            db.Prepare("INSERT INTO access_tokens (clinic_pk, "
                       "access_token_id, secret_sha256, body) "
                       "VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING"));
        stmt.BindInt64(1, clinic_pk)
            .BindText(2, name.access_token)
            .BindBlob(3, secret_sha256)
            .BindBlob(4, token.SerializeAsString());
        GLUTECARE_RETURN_IF_ERROR(stmt.Run());
        if (sqlite3_changes(db.raw()) == 0) {
          return absl::AlreadyExistsError(
              absl::StrCat(name.ToString(), " already exists"));
        }
        return token;
      });
}

absl::StatusOr<v1::AccessToken> SqliteStore::FindAccessToken(
    absl::string_view secret_sha256) {
  return Read<v1::AccessToken>([&](Connection& db)
                                   -> absl::StatusOr<v1::AccessToken> {
    GLUTECARE_ASSIGN_OR_RETURN(
        Statement stmt,
        db.Prepare("SELECT body FROM access_tokens WHERE secret_sha256 = ?1"));
    stmt.BindBlob(1, secret_sha256);
    GLUTECARE_ASSIGN_OR_RETURN(bool found, stmt.Step());
    // The message never names the hash.
    if (!found) return absl::NotFoundError("no such access token");
    return ParseBody<v1::AccessToken>(stmt.ColumnBlob(0));
  });
}

absl::StatusOr<Page<v1::AccessToken>> SqliteStore::ListAccessTokens(
    const ClinicName& clinic, const PageRequest& page) {
  return Read<Page<v1::AccessToken>>(
      [&](Connection& db) -> absl::StatusOr<Page<v1::AccessToken>> {
        GLUTECARE_ASSIGN_OR_RETURN(int64_t clinic_pk, ClinicPk(db, clinic));
        GLUTECARE_ASSIGN_OR_RETURN(
            Statement stmt,
            db.Prepare("SELECT pk, pk, body FROM access_tokens "
                       "WHERE clinic_pk = ?1 AND (?2 IS NULL OR pk < ?3) "
                       "ORDER BY pk DESC LIMIT ?4"));
        stmt.BindInt64(1, clinic_pk);
        return RunListQuery<v1::AccessToken>(
            stmt, absl::StrCat("access_tokens:", clinic.ToString()), page,
            BodyAt<v1::AccessToken>(2));
      });
}

absl::StatusOr<v1::AccessToken> SqliteStore::RevokeAccessToken(
    const AccessTokenName& name, const google::protobuf::Timestamp& now) {
  return Write<v1::AccessToken>([&](Connection& db)
                                    -> absl::StatusOr<v1::AccessToken> {
    GLUTECARE_ASSIGN_OR_RETURN(int64_t clinic_pk, ClinicPk(db, name.parent()));
    GLUTECARE_ASSIGN_OR_RETURN(
        Statement find,
        db.Prepare("SELECT pk, body FROM access_tokens "
                   "WHERE clinic_pk = ?1 AND access_token_id = ?2"));
    find.BindInt64(1, clinic_pk).BindText(2, name.access_token);
    GLUTECARE_ASSIGN_OR_RETURN(bool found, find.Step());
    if (!found) {
      return absl::NotFoundError(absl::StrCat(name.ToString(), " not found"));
    }
    const int64_t pk = find.ColumnInt64(0);
    GLUTECARE_ASSIGN_OR_RETURN(v1::AccessToken token,
                               ParseBody<v1::AccessToken>(find.ColumnBlob(1)));
    if (token.has_revoke_time()) return token;
    *token.mutable_revoke_time() = now;
    GLUTECARE_ASSIGN_OR_RETURN(
        Statement update,
        db.Prepare("UPDATE access_tokens SET body = ?2 WHERE pk = ?1"));
    update.BindInt64(1, pk).BindBlob(2, token.SerializeAsString());
    GLUTECARE_RETURN_IF_ERROR(update.Run());
    return token;
  });
}

}  // namespace glutecare::sqlite_store_internal
