"""Who may call what: the expected answer of every API operation to each role.

(Checked by tests/system/test_authorization_matrix.py.)

Columns, in order: anonymous, consumer (alice: she owns every object the path names), another
consumer, an associate of alice's brand, an admin of another brand, the server token of another
mini-program, platform staff. ``OK`` is any 2xx. 404 where the caller may not know the object
exists; 403 where it is public that it exists (or the caller is of the wrong kind: a
mini-program token on a consumer endpoint, a consumer on a server endpoint); 401 without
credentials. An owner's 400/409/422 is a refusal of the minimal body, after authorization.

Adding an endpoint? Add its row here, deciding who may call it; the test fails until you do.
"""

OK = "2xx"

# fmt: off
EXPECTED = {
    # public: credentials are in the body
    ("POST", "/api/v1/auth/login"):
        (OK, OK, OK, OK, OK, OK, OK),
    ("POST", "/api/v1/auth/logout"):
        (401, OK, OK, OK, OK, 403, OK),
    # public; a made-up refresh token is 401 for everyone
    ("POST", "/api/v1/auth/refresh"):
        (401, 401, 401, 401, 401, 401, 401),
    # public
    ("POST", "/api/v1/auth/register"):
        (OK, OK, OK, OK, OK, OK, OK),
    ("GET", "/api/v1/brands"):
        (401, OK, OK, OK, OK, 403, OK),
    ("POST", "/api/v1/brands"):
        (401, OK, OK, OK, OK, 403, OK),
    ("GET", "/api/v1/brands/{brand_id}/audit-log"):
        (401, OK, 404, 403, 404, 403, 404),
    ("PUT", "/api/v1/brands/{brand_id}/callback"):
        (401, OK, 404, 403, 404, 403, 404),
    ("DELETE", "/api/v1/brands/{brand_id}/callback"):
        (401, OK, 404, 403, 404, 403, 404),
    ("GET", "/api/v1/brands/{brand_id}/inbox"):
        (401, OK, 404, OK, 404, 403, 404),
    # every member reads the canned replies; managers write them
    ("GET", "/api/v1/brands/{brand_id}/canned-replies"):
        (401, OK, 404, OK, 404, 403, 404),
    ("POST", "/api/v1/brands/{brand_id}/canned-replies"):
        (401, OK, 404, 403, 404, 403, 404),
    ("PATCH", "/api/v1/brands/{brand_id}/canned-replies/{canned_reply_id}"):
        (401, OK, 404, 403, 404, 403, 404),
    ("DELETE", "/api/v1/brands/{brand_id}/canned-replies/{canned_reply_id}"):
        (401, OK, 404, 403, 404, 403, 404),
    ("POST", "/api/v1/brands/{brand_id}/members"):
        (401, OK, 404, 403, 404, 403, 404),
    # every member sees the brand's accounts (public profiles anyway); outsiders 404
    ("GET", "/api/v1/brands/{brand_id}/official-accounts"):
        (401, OK, 404, OK, 404, 403, 404),
    # the owner only; alice's brand is verified already: 409 after authorization
    ("POST", "/api/v1/brands/{brand_id}/verification-request"):
        (401, 409, 404, 403, 404, 403, 404),
    ("GET", "/api/v1/brands/{brand_id}/webhook-deliveries"):
        (401, OK, 404, 403, 404, 403, 404),
    ("POST", "/api/v1/brands/{brand_id}/webhook-deliveries/{delivery_id}/resend"):
        (401, OK, 404, 403, 404, 403, 404),
    # the workspace's teams ({kind}/{team_id}: alice's brand; she owns it, so cannot leave it)
    ("GET", "/api/v1/teams"):
        (401, OK, OK, OK, OK, 403, OK),
    ("GET", "/api/v1/teams/{kind}/{team_id}/members"):
        (401, OK, 404, OK, 404, 403, 404),
    ("PATCH", "/api/v1/teams/{kind}/{team_id}/members/{user_id}"):
        (401, OK, 404, 403, 404, 403, 404),
    ("DELETE", "/api/v1/teams/{kind}/{team_id}/members/{user_id}"):
        (401, OK, 404, 403, 404, 403, 404),
    ("POST", "/api/v1/teams/{kind}/{team_id}/leave"):
        (401, 422, 404, OK, 404, 403, 404),
    ("GET", "/api/v1/teams/{kind}/{team_id}/invitations"):
        (401, OK, 404, 403, 404, 403, 404),
    ("POST", "/api/v1/teams/{kind}/{team_id}/invitations"):
        (401, OK, 404, 403, 404, 403, 404),
    ("DELETE", "/api/v1/teams/{kind}/{team_id}/invitations/{invitation_id}"):
        (401, OK, 404, 403, 404, 403, 404),
    ("GET", "/api/v1/teams/{kind}/{team_id}/audit-log"):
        (401, OK, 404, 403, 404, 403, 404),
    # invitations wait for their invitee (alice); anybody else's are invisible
    ("GET", "/api/v1/invitations"):
        (401, OK, OK, OK, OK, 403, OK),
    ("POST", "/api/v1/invitations/{invitation_id}/accept"):
        (401, OK, 404, 404, 404, 403, 404),
    ("POST", "/api/v1/invitations/{invitation_id}/decline"):
        (401, OK, 404, 404, 404, 403, 404),
    ("GET", "/api/v1/contacts"):
        (401, OK, OK, OK, OK, 403, OK),
    ("DELETE", "/api/v1/contacts/{username}"):
        (401, OK, 404, 404, 404, 403, 404),
    ("POST", "/api/v1/contacts/blocks"):
        (401, OK, OK, OK, OK, 403, OK),
    ("DELETE", "/api/v1/contacts/blocks/{username}"):
        (401, 404, 404, 404, 404, 403, 404),
    ("GET", "/api/v1/contacts/requests"):
        (401, OK, OK, OK, OK, 403, OK),
    # alice and bob are contacts already: 409
    ("POST", "/api/v1/contacts/requests"):
        (401, 409, OK, OK, OK, 403, OK),
    ("POST", "/api/v1/contacts/requests/{id}/accept"):
        (401, OK, 404, 404, 404, 403, 404),
    ("POST", "/api/v1/contacts/requests/{id}/decline"):
        (401, OK, 404, 404, 404, 403, 404),
    ("GET", "/api/v1/conversations"):
        (401, OK, OK, OK, OK, 403, OK),
    ("POST", "/api/v1/conversations"):
        (401, OK, 403, 403, 403, 403, 403),
    ("GET", "/api/v1/conversations/{id}"):
        (401, OK, 404, 404, 404, 403, 404),
    ("PATCH", "/api/v1/conversations/{id}"):
        (401, 422, 404, 404, 404, 403, 404),
    ("POST", "/api/v1/conversations/{id}/delivered"):
        (401, OK, 404, 404, 404, 403, 404),
    ("POST", "/api/v1/conversations/{id}/leave"):
        (401, 422, 404, 404, 404, 403, 404),
    ("POST", "/api/v1/conversations/{id}/members"):
        (401, 422, 404, 404, 404, 403, 404),
    ("PATCH", "/api/v1/conversations/{id}/members/{username}"):
        (401, 422, 404, 404, 404, 403, 404),
    ("DELETE", "/api/v1/conversations/{id}/members/{username}"):
        (401, 422, 404, 404, 404, 403, 404),
    ("GET", "/api/v1/conversations/{id}/messages"):
        (401, OK, 404, 404, 404, 403, 404),
    ("POST", "/api/v1/conversations/{id}/messages"):
        (401, OK, 404, 404, 404, 403, 404),
    ("POST", "/api/v1/conversations/{id}/read"):
        (401, OK, 404, 404, 404, 403, 404),
    ("GET", "/api/v1/dev/miniprograms"):
        (401, OK, OK, OK, OK, 403, OK),
    ("POST", "/api/v1/dev/miniprograms"):
        (401, OK, OK, OK, OK, 403, OK),
    ("GET", "/api/v1/dev/miniprograms/{app_id}"):
        (401, OK, 404, 404, 404, 403, 404),
    ("PATCH", "/api/v1/dev/miniprograms/{app_id}"):
        (401, OK, 404, 404, 404, 403, 404),
    ("GET", "/api/v1/dev/miniprograms/{app_id}/analytics/entries"):
        (401, OK, 404, 404, 404, 403, 404),
    ("POST", "/api/v1/dev/miniprograms/{app_id}/links"):
        (401, OK, 404, 404, 404, 403, 404),
    ("GET", "/api/v1/dev/miniprograms/{app_id}/quotas"):
        (401, OK, 404, 404, 404, 403, 404),
    ("POST", "/api/v1/dev/miniprograms/{app_id}/rollback"):
        (401, 409, 404, 404, 404, 403, 404),
    ("POST", "/api/v1/dev/miniprograms/{app_id}/secret"):
        (401, OK, 404, 404, 404, 403, 404),
    ("GET", "/api/v1/dev/miniprograms/{app_id}/sandbox"):
        (401, OK, 404, 404, 404, 403, 404),
    ("GET", "/api/v1/dev/miniprograms/{app_id}/testers"):
        (401, OK, 404, 404, 404, 403, 404),
    ("POST", "/api/v1/dev/miniprograms/{app_id}/testers"):
        (401, OK, 404, 404, 404, 403, 404),
    ("DELETE", "/api/v1/dev/miniprograms/{app_id}/testers/{username}"):
        (401, OK, 404, 404, 404, 403, 404),
    ("GET", "/api/v1/dev/miniprograms/{app_id}/versions"):
        (401, OK, 404, 404, 404, 403, 404),
    # multipart upload: a JSON body is refused before authorization
    ("POST", "/api/v1/dev/miniprograms/{app_id}/versions"):
        (401, 400, 400, 400, 400, 403, 400),
    ("GET", "/api/v1/dev/miniprograms/{app_id}/versions/{version_id}"):
        (401, OK, 404, 404, 404, 403, 404),
    ("DELETE", "/api/v1/dev/miniprograms/{app_id}/versions/{version_id}"):
        (401, OK, 404, 404, 404, 403, 404),
    ("POST", "/api/v1/dev/miniprograms/{app_id}/versions/{version_id}/release"):
        (401, 409, 404, 404, 404, 403, 404),
    ("POST", "/api/v1/dev/miniprograms/{app_id}/versions/{version_id}/submit"):
        (401, OK, 404, 404, 404, 403, 404),
    ("POST", "/api/v1/dev/miniprograms/{app_id}/versions/{version_id}/trial"):
        (401, OK, 404, 404, 404, 403, 404),
    ("GET", "/api/v1/dev/miniprograms/{app_id}/webhooks"):
        (401, OK, 404, 404, 404, 403, 404),
    ("POST", "/api/v1/dev/miniprograms/{app_id}/webhooks/{delivery_id}/replay"):
        (401, OK, 404, 404, 404, 403, 404),
    ("GET", "/api/v1/dev/organisations"):
        (401, OK, OK, OK, OK, 403, OK),
    ("POST", "/api/v1/dev/organisations"):
        (401, OK, OK, OK, OK, 403, OK),
    ("GET", "/api/v1/dev/organisations/{organisation_id}/members"):
        (401, OK, 404, 404, 404, 403, 404),
    ("DELETE", "/api/v1/dev/organisations/{organisation_id}/members/{member_id}"):
        (401, OK, 404, 404, 404, 403, 404),
    ("GET", "/api/v1/me"):
        (401, OK, OK, OK, OK, 403, OK),
    ("PATCH", "/api/v1/me"):
        (401, OK, OK, OK, OK, 403, OK),
    ("GET", "/api/v1/me/addresses"):
        (401, OK, OK, OK, OK, 403, OK),
    ("POST", "/api/v1/me/addresses"):
        (401, OK, OK, OK, OK, 403, OK),
    ("DELETE", "/api/v1/me/addresses/{address_id}"):
        (401, OK, 404, 404, 404, 403, 404),
    # the app's consent page for /o/authorize/: a minimal (empty) request is refused
    ("GET", "/api/v1/oauth/authorize"):
        (401, 400, 400, 400, 400, 403, 400),
    ("POST", "/api/v1/oauth/authorize"):
        (401, 400, 400, 400, 400, 403, 400),
    ("GET", "/api/v1/me/contact"):
        (401, OK, OK, OK, OK, 403, OK),
    ("PUT", "/api/v1/me/contact"):
        (401, OK, OK, OK, OK, 403, OK),
    # the caller's own loyalty cards
    ("GET", "/api/v1/me/member-cards"):
        (401, OK, OK, OK, OK, 403, OK),
    ("GET", "/api/v1/me/miniprograms/recent"):
        (401, OK, OK, OK, OK, 403, OK),
    ("GET", "/api/v1/me/miniprogram-grants"):
        (401, OK, OK, OK, OK, 403, OK),
    ("DELETE", "/api/v1/me/miniprogram-grants/{app_id}"):
        (401, OK, 404, 404, 404, 403, 404),
    ("DELETE", "/api/v1/me/miniprogram-grants/{app_id}/{scope}"):
        (401, OK, 404, 404, 404, 403, 404),
    # the caller's own "always" subscribe-message acceptances
    ("GET", "/api/v1/me/miniprogram-subscriptions"):
        (401, OK, OK, OK, OK, 403, OK),
    ("DELETE", "/api/v1/me/miniprogram-subscriptions/{app_id}/{template}"):
        (401, OK, 404, 404, 404, 403, 404),
    ("GET", "/api/v1/me/qr"):
        (401, OK, OK, OK, OK, 403, OK),
    ("GET", "/api/v1/me/qr.png"):
        (401, OK, OK, OK, OK, 403, OK),
    ("POST", "/api/v1/messages/{id}/recall"):
        (401, OK, 404, 404, 404, 403, 404),
    ("GET", "/api/v1/miniprogram-links/{code}"):
        (401, OK, OK, OK, OK, 403, OK),
    ("GET", "/api/v1/miniprograms/{app_id}"):
        (401, OK, OK, OK, OK, 403, OK),
    ("POST", "/api/v1/miniprograms/{app_id}/cards"):
        (401, OK, OK, OK, OK, 403, OK),
    ("POST", "/api/v1/miniprograms/{app_id}/login"):
        (401, OK, OK, OK, OK, 403, OK),
    ("POST", "/api/v1/miniprograms/{app_id}/open"):
        (401, OK, OK, OK, OK, 403, OK),
    ("POST", "/api/v1/miniprograms/{app_id}/subscriptions"):
        (401, OK, OK, OK, OK, 403, OK),
    # uploads: anyone signed in; an upload (and its session) is its uploader's, avatars public
    ("POST", "/api/v1/media"):
        (401, OK, OK, OK, OK, 403, OK),
    ("GET", "/api/v1/media/{id}"):
        (401, OK, OK, OK, OK, 403, OK),
    ("DELETE", "/api/v1/media/{id}"):
        (401, OK, 404, 404, 404, 403, 404),
    ("POST", "/api/v1/media/uploads"):
        (401, OK, OK, OK, OK, 403, OK),
    # alice's session has no bytes yet: an empty body is refused, completing is too early
    ("PUT", "/api/v1/media/uploads/{id}/content"):
        (401, 400, 404, 404, 404, 403, 404),
    ("POST", "/api/v1/media/uploads/{id}/complete"):
        (401, 409, 404, 404, 404, 403, 404),
    ("POST", "/api/v1/me/avatar"):
        (401, OK, 404, 404, 404, 403, 404),
    ("POST", "/api/v1/moments"):
        (401, OK, OK, OK, OK, 403, OK),
    ("GET", "/api/v1/moments/{id}"):
        (401, OK, 404, 404, 404, 403, 404),
    ("DELETE", "/api/v1/moments/{id}"):
        (401, OK, 404, 404, 404, 403, 404),
    ("POST", "/api/v1/moments/{id}/comments"):
        (401, OK, 404, 404, 404, 403, 404),
    ("POST", "/api/v1/moments/{id}/likes"):
        (401, OK, 404, 404, 404, 403, 404),
    ("DELETE", "/api/v1/moments/{id}/likes"):
        (401, OK, 404, 404, 404, 403, 404),
    ("GET", "/api/v1/moments/feed"):
        (401, OK, OK, OK, OK, 403, OK),
    # HTTP Basic app_id:app_secret only; bearer tokens are 401
    ("POST", "/api/v1/mp/code2session"):
        (401, 401, 401, 401, 401, 401, 401),
    ("POST", "/api/v1/mp/subscribe-messages"):
        (401, 403, 403, 403, 403, 403, 403),
    ("GET", "/api/v1/mp/users/{openid}"):
        (401, 403, 403, 403, 403, 404, 403),
    ("GET", "/api/v1/official-accounts"):
        (401, OK, OK, OK, OK, 403, OK),
    ("POST", "/api/v1/official-accounts"):
        (401, OK, 404, 403, 404, 403, 404),
    ("GET", "/api/v1/official-accounts/{account_id}"):
        (401, OK, OK, OK, OK, 403, OK),
    ("DELETE", "/api/v1/official-accounts/{account_id}"):
        (401, OK, 404, 403, 404, 403, 404),
    ("PATCH", "/api/v1/official-accounts/{account_id}"):
        (401, OK, 404, 403, 404, 403, 404),
    ("GET", "/api/v1/official-accounts/{account_id}/articles"):
        (401, OK, OK, OK, OK, 403, OK),
    ("POST", "/api/v1/official-accounts/{account_id}/articles"):
        (401, OK, 404, 403, 404, 403, 404),
    ("GET", "/api/v1/official-accounts/{account_id}/auto-replies"):
        (401, OK, 404, OK, 404, 403, 404),
    ("POST", "/api/v1/official-accounts/{account_id}/auto-replies"):
        (401, OK, 404, 403, 404, 403, 404),
    ("DELETE", "/api/v1/official-accounts/{account_id}/auto-replies/{reply_id}"):
        (401, OK, 404, 403, 404, 403, 404),
    ("PATCH", "/api/v1/official-accounts/{account_id}/auto-replies/{reply_id}"):
        (401, OK, 404, 403, 404, 403, 404),
    # managers only: the composer's quota and the followers chart
    ("GET", "/api/v1/official-accounts/{account_id}/broadcast-quota"):
        (401, OK, 404, 403, 404, 403, 404),
    ("GET", "/api/v1/official-accounts/{account_id}/follower-stats"):
        (401, OK, 404, 403, 404, 403, 404),
    ("GET", "/api/v1/official-accounts/{account_id}/broadcasts"):
        (401, OK, 403, OK, 403, 403, 403),
    ("POST", "/api/v1/official-accounts/{account_id}/broadcasts"):
        (401, OK, 404, 403, 404, 403, 404),
    ("POST", "/api/v1/official-accounts/{account_id}/follow"):
        (401, OK, OK, OK, OK, 403, OK),
    ("DELETE", "/api/v1/official-accounts/{account_id}/follow"):
        (401, OK, OK, OK, OK, 403, OK),
    ("PUT", "/api/v1/official-accounts/{account_id}/menu"):
        (401, OK, 404, 403, 404, 403, 404),
    ("GET", "/api/v1/official-accounts/{account_id}/messages"):
        (401, OK, OK, OK, OK, 403, OK),
    # followers only (alice does not follow her own account)
    ("POST", "/api/v1/official-accounts/{account_id}/messages"):
        (401, 403, 403, 403, 403, 403, 403),
    ("GET", "/api/v1/official-accounts/feed"):
        (401, OK, OK, OK, OK, 403, OK),
    ("GET", "/api/v1/pay/merchant-key"):
        (401, 403, 403, 403, 403, OK, 403),
    ("POST", "/api/v1/pay/orders"):
        (401, 403, 403, 403, 403, 404, 403),
    ("GET", "/api/v1/pay/orders/{prepay_id}"):
        (401, OK, 404, 404, 404, 404, 404),
    ("POST", "/api/v1/pay/orders/{prepay_id}/close"):
        (401, 403, 403, 403, 403, 404, 403),
    ("POST", "/api/v1/pay/orders/{prepay_id}/confirm"):
        (401, OK, 404, 404, 404, 403, 404),
    ("POST", "/api/v1/pay/orders/{prepay_id}/refunds"):
        (401, 403, 403, 403, 403, 404, 403),
    ("GET", "/api/v1/pay/settlements/{day}"):
        (401, 403, 403, 403, 403, OK, 403),
    ("GET", "/api/v1/pay/settlements/{day}/csv"):
        (401, 403, 403, 403, 403, OK, 403),
    # the gateway signs its body; unsigned is 400 whoever sends it
    ("POST", "/api/v1/payments/gateway/callbacks"):
        (400, 400, 400, 400, 400, 400, 400),
    ("GET", "/api/v1/review/versions"):
        (401, 403, 403, 403, 403, 403, OK),
    # staff only; 409/400: the version is not submitted
    ("POST", "/api/v1/review/versions/{version_id}/approve"):
        (401, 403, 403, 403, 403, 403, 409),
    ("POST", "/api/v1/review/versions/{version_id}/reject"):
        (401, 403, 403, 403, 403, 403, 409),
    ("GET", "/api/v1/service-conversations/{conversation_id}"):
        (401, OK, 404, OK, 404, 403, 404),
    ("POST", "/api/v1/service-conversations/{conversation_id}/claim"):
        (401, OK, 404, OK, 404, 403, 404),
    # a manager hands over any conversation; an associate only one they hold (409 otherwise)
    ("POST", "/api/v1/service-conversations/{conversation_id}/handover"):
        (401, OK, 404, 409, 404, 403, 404),
    ("GET", "/api/v1/service-conversations/{conversation_id}/messages"):
        (401, OK, 404, OK, 404, 403, 404),
    ("POST", "/api/v1/service-conversations/{conversation_id}/replies"):
        (401, 409, 404, 409, 404, 403, 404),
    # staff only: the brands awaiting verification
    ("GET", "/api/v1/staff/brands"):
        (401, 403, 403, 403, 403, 403, OK),
    ("POST", "/api/v1/staff/brands/{brand_id}/verification"):
        (401, 403, 403, 403, 403, 403, OK),
    ("DELETE", "/api/v1/staff/brands/{brand_id}/verification"):
        (401, 403, 403, 403, 403, 403, OK),
    # search and Discover (docs/search.md): for consumers; each kind filters what they may see
    ("GET", "/api/v1/discover"):
        (401, OK, OK, OK, OK, 403, OK),
    # a single-use socket ticket for the caller's own socket (the browser app)
    ("POST", "/api/v1/realtime/tickets"):
        (401, OK, OK, OK, OK, 403, OK),
    ("GET", "/api/v1/search"):
        (401, OK, OK, OK, OK, 403, OK),
    ("GET", "/api/v1/sync"):
        (401, OK, OK, OK, OK, 403, OK),
    ("GET", "/api/v1/users/lookup"):
        (401, OK, OK, OK, OK, 403, OK),
    ("GET", "/api/v1/wallet"):
        (401, OK, OK, OK, OK, 403, OK),
    ("GET", "/api/v1/wallet/gateway-orders/{reference}"):
        (401, OK, 404, 404, 404, 403, 404),
    ("POST", "/api/v1/wallet/pin"):
        (401, OK, OK, OK, OK, 403, OK),
    ("POST", "/api/v1/wallet/topups"):
        (401, OK, OK, OK, OK, 403, OK),
    ("GET", "/api/v1/wallet/transactions"):
        (401, OK, OK, OK, OK, 403, OK),
    ("POST", "/api/v1/wallet/transfers"):
        (401, OK, 422, 422, 422, 403, 422),
    ("POST", "/api/v1/wallet/withdrawals"):
        (401, OK, 422, 422, 422, 403, 422),
    # shop (docs/shop.md, Permissions): outsiders 404 on the back office,
    # associates 403 on manager endpoints
    ("GET", "/api/v1/brands/{brand_id}/shop"):
        (401, OK, OK, OK, OK, 403, OK),
    # the shop is enabled already
    ("POST", "/api/v1/brands/{brand_id}/shop"):
        (401, 409, 404, 403, 404, 403, 404),
    ("GET", "/api/v1/shops/{shop_id}"):
        (401, OK, OK, OK, OK, 403, OK),
    # brand managers brand the storefront
    ("PATCH", "/api/v1/shops/{shop_id}/branding"):
        (401, OK, 404, 403, 404, 403, 404),
    ("GET", "/api/v1/shops/{shop_id}/cart"):
        (401, OK, OK, OK, OK, 403, OK),
    ("PUT", "/api/v1/shops/{shop_id}/cart/items"):
        (401, OK, OK, OK, OK, 403, OK),
    ("POST", "/api/v1/shops/{shop_id}/catalogue/import"):
        (401, OK, 404, 403, 404, 403, 404),
    ("POST", "/api/v1/shops/{shop_id}/catalogue/imports"):
        (401, OK, 404, 403, 404, 403, 404),
    ("GET", "/api/v1/shops/{shop_id}/catalogue/imports/{import_id}"):
        (401, OK, 404, 403, 404, 403, 404),
    ("POST", "/api/v1/shops/{shop_id}/checkout"):
        (401, OK, OK, OK, OK, 403, OK),
    ("GET", "/api/v1/shops/{shop_id}/collections"):
        (401, OK, OK, OK, OK, 403, OK),
    ("POST", "/api/v1/shops/{shop_id}/collections"):
        (401, OK, 404, 403, 404, 403, 404),
    ("GET", "/api/v1/shops/{shop_id}/manage/coupons"):
        (401, OK, 404, 403, 404, 403, 404),
    ("POST", "/api/v1/shops/{shop_id}/manage/coupons"):
        (401, OK, 404, 403, 404, 403, 404),
    ("POST", "/api/v1/shops/{shop_id}/manage/coupons/{coupon_id}/disable"):
        (401, OK, 404, 403, 404, 403, 404),
    ("GET", "/api/v1/shops/{shop_id}/manage/orders"):
        (401, OK, 404, OK, 404, 403, 404),
    ("POST", "/api/v1/shops/{shop_id}/manage/orders/{order_id}/ship"):
        (401, OK, 404, OK, 404, 403, 404),
    # a paid order is shipped before it is delivered: staff get past authorization to 422
    ("POST", "/api/v1/shops/{shop_id}/manage/orders/{order_id}/deliver"):
        (401, 422, 404, 422, 404, 403, 404),
    # the brand refunds (in full, by default) or cancels (refunding) the paid order
    ("POST", "/api/v1/shops/{shop_id}/manage/orders/{order_id}/refund"):
        (401, OK, 404, 403, 404, 403, 404),
    ("POST", "/api/v1/shops/{shop_id}/manage/orders/{order_id}/cancel"):
        (401, OK, 404, 403, 404, 403, 404),
    ("GET", "/api/v1/shops/{shop_id}/manage/products"):
        (401, OK, 404, OK, 404, 403, 404),
    ("POST", "/api/v1/shops/{shop_id}/manage/refund-requests/{request_id}/decision"):
        (401, OK, 404, 403, 404, 403, 404),
    ("GET", "/api/v1/shops/{shop_id}/manage/reviews"):
        (401, OK, 404, OK, 404, 403, 404),
    ("POST", "/api/v1/shops/{shop_id}/manage/reviews/{review_id}/reply"):
        (401, OK, 404, OK, 404, 403, 404),
    ("POST", "/api/v1/shops/{shop_id}/manage/share-links"):
        (401, OK, 404, OK, 404, 403, 404),
    ("GET", "/api/v1/shops/{shop_id}/products"):
        (401, OK, OK, OK, OK, 403, OK),
    ("POST", "/api/v1/shops/{shop_id}/products"):
        (401, OK, 404, 403, 404, 403, 404),
    ("GET", "/api/v1/shops/{shop_id}/products/{product_id}"):
        (401, OK, OK, OK, OK, 403, OK),
    ("PATCH", "/api/v1/shops/{shop_id}/products/{product_id}"):
        (401, OK, 404, 403, 404, 403, 404),
    ("POST", "/api/v1/shops/{shop_id}/products/{product_id}/publish"):
        (401, OK, 404, 403, 404, 403, 404),
    ("GET", "/api/v1/shops/{shop_id}/products/{product_id}/reviews"):
        (401, OK, OK, OK, OK, 403, OK),
    ("POST", "/api/v1/shops/{shop_id}/products/{product_id}/skus"):
        (401, OK, 404, 403, 404, 403, 404),
    ("POST", "/api/v1/shops/{shop_id}/products/{product_id}/teams"):
        (401, OK, OK, OK, OK, 403, OK),
    ("POST", "/api/v1/shops/{shop_id}/products/{product_id}/unpublish"):
        (401, OK, 404, 403, 404, 403, 404),
    ("PATCH", "/api/v1/shops/{shop_id}/skus/{sku_id}"):
        (401, OK, 404, 403, 404, 403, 404),
    ("GET", "/api/v1/shop/coupons"):
        (401, OK, OK, OK, OK, 403, OK),
    ("GET", "/api/v1/shop/moderation/reports"):
        (401, 403, 403, 403, 403, 403, OK),
    ("POST", "/api/v1/shop/moderation/reviews/{review_id}"):
        (401, 403, 403, 403, 403, 403, OK),
    ("GET", "/api/v1/shop/orders"):
        (401, OK, OK, OK, OK, 403, OK),
    ("GET", "/api/v1/shop/orders/{order_id}"):
        (401, OK, 404, 404, 404, 403, 404),
    ("POST", "/api/v1/shop/orders/{order_id}/cancel"):
        (401, OK, 404, 404, 404, 403, 404),
    # the buyer creates (or gets again) the pay order of their unpaid order
    ("POST", "/api/v1/shop/orders/{order_id}/pay"):
        (401, OK, 404, 404, 404, 403, 404),
    # the order is not delivered yet / not paid yet
    ("POST", "/api/v1/shop/orders/{order_id}/confirm-receipt"):
        (401, 422, 404, 404, 404, 403, 404),
    ("POST", "/api/v1/shop/orders/{order_id}/refund-requests"):
        (401, 422, 404, 404, 404, 403, 404),
    # alice's delivered line is under a refund request (422 not_delivered); not the others'
    ("POST", "/api/v1/shop/reviews"):
        (401, 422, 404, 404, 404, 403, 404),
    ("POST", "/api/v1/shop/reviews/{review_id}/reports"):
        (401, OK, OK, OK, OK, 403, OK),
    ("POST", "/api/v1/shop/share-links/{code}/open"):
        (401, OK, OK, OK, OK, 403, OK),
    ("GET", "/api/v1/shop/teams/{team_id}"):
        (401, OK, OK, OK, OK, 403, OK),
    # alice leads the team already
    ("POST", "/api/v1/shop/teams/{team_id}/join"):
        (401, 409, OK, OK, OK, 403, OK),
    # loyalty (docs/loyalty.md): brand members see the client book, others 404
    # the program exists already
    ("POST", "/api/v1/loyalty/programs"):
        (401, 409, 404, 403, 404, 403, 404),
    ("GET", "/api/v1/loyalty/brands/{brand_id}/program"):
        (401, OK, OK, OK, OK, 403, OK),
    ("PATCH", "/api/v1/loyalty/brands/{brand_id}/program"):
        (401, OK, 404, 403, 404, 403, 404),
    ("POST", "/api/v1/loyalty/brands/{brand_id}/bonus-campaigns"):
        (401, OK, 404, 403, 404, 403, 404),
    ("POST", "/api/v1/loyalty/brands/{brand_id}/rewards"):
        (401, OK, 404, 403, 404, 403, 404),
    ("POST", "/api/v1/loyalty/brands/{brand_id}/tiers"):
        (401, OK, 404, 403, 404, 403, 404),
    ("PATCH", "/api/v1/loyalty/brands/{brand_id}/rewards/{reward_id}"):
        (401, OK, 404, 403, 404, 403, 404),
    ("DELETE", "/api/v1/loyalty/brands/{brand_id}/rewards/{reward_id}"):
        (401, OK, 404, 403, 404, 403, 404),
    # any staff of the brand looks a member up at the till
    ("POST", "/api/v1/loyalty/brands/{brand_id}/members/lookup"):
        (401, OK, 404, OK, 404, 403, 404),
    # alice is a member already
    ("POST", "/api/v1/loyalty/brands/{brand_id}/membership"):
        (401, 409, OK, OK, OK, 403, OK),
    ("GET", "/api/v1/loyalty/brands/{brand_id}/card"):
        (401, OK, 404, 404, 404, 403, 404),
    ("GET", "/api/v1/loyalty/brands/{brand_id}/card.png"):
        (401, OK, 404, 404, 404, 403, 404),
    ("GET", "/api/v1/loyalty/brands/{brand_id}/points"):
        (401, OK, 404, 404, 404, 403, 404),
    # alice has no points for the reward yet
    ("POST", "/api/v1/loyalty/brands/{brand_id}/redemptions"):
        (401, 422, 404, 404, 404, 403, 404),
    ("POST", "/api/v1/loyalty/brands/{brand_id}/in-store-purchases"):
        (401, OK, 404, OK, 404, 403, 404),
    ("GET", "/api/v1/loyalty/brands/{brand_id}/my-associate"):
        (401, OK, 404, 404, 404, 403, 404),
    ("GET", "/api/v1/loyalty/brands/{brand_id}/clients"):
        (401, OK, 404, OK, 404, 403, 404),
    ("GET", "/api/v1/loyalty/brands/{brand_id}/clients/{client_id}"):
        (401, OK, 404, OK, 404, 403, 404),
    ("POST", "/api/v1/loyalty/brands/{brand_id}/clients/{client_id}/assignment"):
        (401, OK, 404, 403, 404, 403, 404),
    ("GET", "/api/v1/loyalty/brands/{brand_id}/clients/{client_id}/notes"):
        (401, OK, 404, OK, 404, 403, 404),
    ("POST", "/api/v1/loyalty/brands/{brand_id}/clients/{client_id}/notes"):
        (401, OK, 404, OK, 404, 403, 404),
    ("POST", "/api/v1/loyalty/brands/{brand_id}/clients/{client_id}/tags"):
        (401, OK, 404, OK, 404, 403, 404),
    ("DELETE", "/api/v1/loyalty/brands/{brand_id}/clients/{client_id}/tags/{tag_id}"):
        (401, OK, 404, OK, 404, 403, 404),
    ("POST", "/api/v1/loyalty/brands/{brand_id}/clients/{client_id}/tasks"):
        (401, OK, 404, OK, 404, 403, 404),
    ("GET", "/api/v1/loyalty/brands/{brand_id}/clients/{client_id}/timeline"):
        (401, OK, 404, OK, 404, 403, 404),
    # every member's own commission figure
    ("GET", "/api/v1/loyalty/brands/{brand_id}/commissions/mine"):
        (401, OK, 404, OK, 404, 403, 404),
    ("GET", "/api/v1/loyalty/brands/{brand_id}/commissions"):
        (401, OK, 404, OK, 404, 403, 404),
    ("GET", "/api/v1/loyalty/brands/{brand_id}/segments"):
        (401, OK, 404, OK, 404, 403, 404),
    ("POST", "/api/v1/loyalty/brands/{brand_id}/segments"):
        (401, OK, 404, OK, 404, 403, 404),
    ("GET", "/api/v1/loyalty/brands/{brand_id}/segments/{segment_id}/clients"):
        (401, OK, 404, OK, 404, 403, 404),
    ("POST", "/api/v1/loyalty/brands/{brand_id}/segments/preview"):
        (401, OK, 404, OK, 404, 403, 404),
    # campaigns and their results are the managers'
    ("GET", "/api/v1/loyalty/brands/{brand_id}/campaigns"):
        (401, OK, 404, 403, 404, 403, 404),
    ("GET", "/api/v1/loyalty/brands/{brand_id}/tasks"):
        (401, OK, 404, OK, 404, 403, 404),
    # the task is alice's
    ("POST", "/api/v1/loyalty/brands/{brand_id}/tasks/{task_id}/complete"):
        (401, OK, 404, 404, 404, 403, 404),
    # bob gave no marketing consent
    ("POST", "/api/v1/loyalty/brands/{brand_id}/campaigns"):
        (401, 422, 404, 403, 404, 403, 404),
    # live shopping (docs/live.md): shows are public; the room's staff (alice hosts) run it
    ("GET", "/api/v1/live/shows"):
        (401, OK, OK, OK, OK, 403, OK),
    ("POST", "/api/v1/live/shows"):
        (401, OK, 404, 403, 404, 403, 404),
    ("GET", "/api/v1/live/shows/{show_id}"):
        (401, OK, OK, OK, OK, 403, OK),
    # anyone signed in may ask to be reminded; alice's show is live already: 422
    ("PUT", "/api/v1/live/shows/{show_id}/reminder"):
        (401, 422, 422, 422, 422, 403, 422),
    ("DELETE", "/api/v1/live/shows/{show_id}/reminder"):
        (401, OK, OK, OK, OK, 403, OK),
    ("GET", "/api/v1/live/reminders"):
        (401, OK, OK, OK, OK, 403, OK),
    # alice's show is live already
    ("POST", "/api/v1/live/shows/{show_id}/start"):
        (401, 422, 403, 403, 403, 403, 403),
    ("POST", "/api/v1/live/shows/{show_id}/end"):
        (401, OK, 403, 403, 403, 403, 403),
    ("POST", "/api/v1/live/shows/{show_id}/pins"):
        (401, OK, 403, 403, 403, 403, 403),
    # a deal is counting down already
    ("POST", "/api/v1/live/shows/{show_id}/deals"):
        (401, 409, 403, 403, 403, 403, 403),
    # any viewer may buy, but the deal has not opened yet
    ("POST", "/api/v1/live/shows/{show_id}/deals/{deal_id}/orders"):
        (401, 422, 422, 422, 422, 403, 422),
    ("POST", "/api/v1/live/shows/{show_id}/restrictions"):
        (401, OK, 403, 403, 403, 403, 403),
    ("GET", "/api/v1/live/shows/{show_id}/restrictions"):
        (401, OK, 403, 403, 403, 403, 403),
    ("DELETE", "/api/v1/live/shows/{show_id}/restrictions/{restriction_kind}/{username}"):
        (401, OK, 403, 403, 403, 403, 403),
    ("DELETE", "/api/v1/live/shows/{show_id}/comments/{comment_id}"):
        (401, OK, 403, 403, 403, 403, 403),
    ("POST", "/api/v1/live/shows/{show_id}/comments/{comment_id}/restore"):
        (401, OK, 403, 403, 403, 403, 403),
    ("GET", "/api/v1/live/shows/{show_id}/replay"):
        (401, OK, OK, OK, OK, 403, OK),
    ("GET", "/api/v1/live/shows/{show_id}/stats"):
        (401, OK, 403, 403, 403, 403, 403),
    # the stream key: the host and the brand's managers only (alice hosts and owns the brand)
    ("POST", "/api/v1/live/shows/{show_id}/stream-key"):
        (401, OK, 403, 403, 403, 403, 403),
    ("GET", "/api/v1/me/consents"):
        (401, OK, OK, OK, OK, 403, OK),
    ("POST", "/api/v1/me/consents"):
        (401, OK, OK, OK, OK, 403, OK),
    ("POST", "/api/v1/me/consents/withdraw"):
        (401, OK, OK, OK, OK, 403, OK),
    ("GET", "/api/v1/me/export"):
        (401, OK, OK, OK, OK, 403, OK),
    # every test user has the same password: each consumer erases their own account
    ("POST", "/api/v1/me/erase"):
        (401, OK, OK, OK, OK, 403, OK),
    # red packets (docs/payments.md): members of alice's group only
    ("POST", "/api/v1/red-packets"):
        (401, OK, 404, 404, 404, 403, 404),
    ("GET", "/api/v1/red-packets/{id}"):
        (401, OK, 404, 404, 404, 403, 404),
    ("POST", "/api/v1/red-packets/{id}/claim"):
        (401, OK, 404, 404, 404, 403, 404),
}
# fmt: on
