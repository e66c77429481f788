import type { Profile } from '../../features/user/user.schemas.js';
import { userStates, userTypes } from '../enums.js';

/** A user as `/user/info/info` shows it. The token is the one the request presented. */
export function encodeUser(profile: Profile, token: string | undefined) {
  return {
    id: profile.id,
    token: token ?? '',
    phone: profile.phone,
    email: profile.email,
    face: profile.face,
    address: profile.address,
    usertype: userTypes.label(profile.userType),
    userstate: userStates.label(profile.verified),
  };
}

export const userLabels = { usertype: userTypes.labels, userstate: userStates.labels };

export const encodeLogin = (login: { userId: number; token: string }) => ({
  user_id: login.userId,
  token: login.token,
});
